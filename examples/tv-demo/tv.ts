import { DeviceSignIn, FileStore, terminalQrCode } from '@baton/sdk/node';
import { callApiUntilSignedOut, log, narratingRefreshes, requiredEnv } from '../watch-demo/child.js';

/**
 * The TV: shows a code and a QR code of the approval link, polls until the phone approves,
 * then keeps calling the protected API with its own DPoP-bound session, refreshing it
 * whenever the access token runs out, until the session ends.
 */
const tv = new DeviceSignIn({
  baseUrl: requiredEnv('BATON_BASE'),
  clientId: requiredEnv('TV_CLIENT_ID'),
  store: new FileStore({ directory: requiredEnv('TV_STORE') }),
  platform: { device: { name: 'Living-room TV (demo)', platform: 'demo TV' }, fetch: narratingRefreshes() },
});

const account = await tv.signIn({
  onCode: async (code) => {
    log(`To sign in, visit ${code.verificationUri} and enter ${code.userCode}, or scan:`);
    for (const line of (await terminalQrCode(code.verificationUriComplete)).split('\n')) log(line);
    log(`user code ${code.userCode}`);
  },
});
log(`signed in as ${account.username}: own DPoP-bound session ${account.claims.sessionId}`);

await callApiUntilSignedOut(
  account,
  requiredEnv('API_URL'),
  Number(process.env.TV_MAX_MS ?? 60_000),
  'signed out: the phone that approved this TV was signed out',
);
