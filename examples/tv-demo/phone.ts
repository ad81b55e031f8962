import { createInterface } from 'node:readline';
import { MemoryStore, NativeAuthClient } from '@baton/sdk/node';

/**
 * The phone: signs in with an email code, approves the code the TV shows natively (no
 * browser: one call with its own access token), and exits.
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
const signedIn = await started.submitCode(code);
if (signedIn.kind !== 'signed_in')
  throw new Error(
    `sign-in failed: ${signedIn.kind === 'error' ? `${signedIn.code}: ${signedIn.message}` : signedIn.kind}`,
  );
const account = signedIn.account;
log(`signed in (session ${account.claims.sessionId})`);

const userCode = env('TV_USER_CODE');
const decision = await account.approveDevice(userCode);
log(`approved ${decision.app} on "${decision.device.name}" (code ${userCode}): its session is a child of this one`);
process.exit(0);
