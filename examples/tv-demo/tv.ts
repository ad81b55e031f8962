import { BatonSdkError, DeviceSignIn, FileStore, terminalQrCode } from '@baton/sdk/node';

/**
 * The TV: shows a code and a QR code of the approval link, polls until the phone approves,
 * then keeps calling the protected API with its own DPoP-bound session, refreshing it
 * whenever the access token runs out, until the session ends.
 */
const env = (name: string) =>
  process.env[name] ??
  (() => {
    throw new Error(`${name} is not set`);
  })();
const log = (line: string) => process.stdout.write(`${line}\n`);
const apiUrl = `${env('API_URL')}/api/me`;
const deadline = Date.now() + Number(process.env.TV_MAX_MS ?? 60_000);
let refreshes = 0;

const tv = new DeviceSignIn({
  baseUrl: env('BATON_BASE'),
  clientId: env('TV_CLIENT_ID'),
  store: new FileStore({ directory: env('TV_STORE') }),
  platform: {
    device: { name: 'Living-room TV (demo)', platform: 'demo TV' },
    // Only to narrate the refreshes; the SDK does them by itself.
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      if (new URLSearchParams(String(init.body ?? '')).get('grant_type') === 'refresh_token')
        log(response.ok ? `refresh #${++refreshes}: new access token` : `refresh refused by Baton: ${response.status}`);
      return response;
    },
  },
});

const account = await tv.signIn({
  onCode: async (code) => {
    log(`To sign in, visit ${code.verificationUri} and enter ${code.userCode}, or scan:`);
    for (const line of (await terminalQrCode(code.verificationUriComplete)).split('\n')) log(line);
    log(`user code ${code.userCode}`);
  },
});
log(`signed in as ${account.username}: own DPoP-bound session ${account.claims.sessionId}`);

while (Date.now() < deadline) {
  try {
    const response = await account.fetch(apiUrl);
    const body = (await response.json()) as { sub?: string; dpop?: boolean; error?: string };
    log(
      `GET /api/me -> ${response.status} ${response.ok ? `(user ${body.sub?.slice(0, 8)}…, dpop: ${body.dpop})` : body.error}`,
    );
  } catch (error) {
    if (error instanceof BatonSdkError && error.code === 'session_ended') {
      log('signed out: the phone that approved this TV was signed out');
      process.exit(0);
    }
    log(`could not call the API: ${(error as Error).message}; trying again`);
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
}
log('demo time is up without a revocation');
process.exit(1);
