import { createInterface } from 'node:readline';
import { connectWebSocketTransport, MemoryStore, NativeAuthClient, type Transport } from '@baton/sdk/node';

/**
 * The phone: signs in with an email code, hands the session off to the watch over a
 * WebSocket, and exits. Its tokens live only in memory: once it is gone, the watch is on its own.
 */
const env = (name: string) =>
  process.env[name] ??
  (() => {
    throw new Error(`${name} is not set`);
  })();
const log = (line: string) => process.stdout.write(`${line}\n`);

const client = new NativeAuthClient({
  baseUrl: env('BATON_BASE'),
  clientId: env('PHONE_CLIENT_ID'),
  challengeTypes: ['oob'],
  store: new MemoryStore(),
  platform: { device: { name: "Ada's phone (demo)", platform: 'demo phone' } },
});

const username = env('DEMO_USER');
log(`signing in as ${username} with an email code`);
const started = await client.signIn({ username });
if (started.kind !== 'sign_in_code_required')
  throw new Error(`unexpected sign-in step: ${started.kind === 'error' ? started.message : started.kind}`);
log(`Baton sent a code (${started.codeLength} digits) to ${started.sentTo}; type it in:`);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const code = String((await lines.next()).value ?? '').trim();
log(`code entered: ${code}`);
const signedIn = await started.submitCode(code);
if (signedIn.kind !== 'signed_in')
  throw new Error(
    `sign-in failed: ${signedIn.kind === 'error' ? `${signedIn.code}: ${signedIn.message}` : signedIn.kind}`,
  );
const account = signedIn.account;
log(`signed in (session ${account.claims.sessionId})`);

const transport = await connect(env('WATCH_URL'));
log('connected to the watch; waiting for its pairing request');
// A person would compare the two screens; the demo is not interactive, so the code the
// watch shows reaches the phone another way (the demo reads the watch's output) and the
// phone compares them: a key other than the watch's would give another code, and no handoff.
const watchCode = String((await lines.next()).value ?? '').trim();
const result = await account.handOff(transport, {
  audience: env('WATCH_CLIENT_ID'),
  confirm: ({ deviceName, code: pairingCode }) => {
    const matches = pairingCode === watchCode;
    log(
      `pairing request from "${deviceName}", pairing code ${pairingCode}, the watch shows ${watchCode}: ${matches ? 'they match, confirmed' : 'they differ, refused'}`,
    );
    return matches;
  },
});
log(
  `handed off to "${result.deviceName}": only a 60-second single-use transfer token, encrypted to the watch's key, crossed the wire`,
);
await transport.close();
log('phone switched off (process exits)');
process.exit(0);

async function connect(url: string): Promise<Transport> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connectWebSocketTransport(url);
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
