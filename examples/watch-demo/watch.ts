import { BatonSdkError, Companion, FileStore, listenWebSocketTransport } from '@baton/sdk/node';

/**
 * The watch: waits for the phone on a WebSocket, pairs, then keeps calling the protected
 * API on its own, refreshing its DPoP-bound session whenever the access token runs out,
 * until the session is revoked.
 */
const env = (name: string) =>
  process.env[name] ??
  (() => {
    throw new Error(`${name} is not set`);
  })();
const log = (line: string) => process.stdout.write(`${line}\n`);
const apiUrl = `${env('API_URL')}/api/me`;
const deadline = Date.now() + Number(process.env.WATCH_MAX_MS ?? 60_000);
let refreshes = 0;

const companion = new Companion({
  baseUrl: env('BATON_BASE'),
  clientId: env('WATCH_CLIENT_ID'),
  store: new FileStore({ directory: env('WATCH_STORE') }),
  platform: {
    device: { name: "Ada's watch (demo)", platform: 'demo watch' },
    // Only to narrate the refreshes; the SDK does them by itself.
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      if (new URLSearchParams(String(init.body ?? '')).get('grant_type') === 'refresh_token') {
        const proof = new Headers(init.headers).get('dpop') ?? '';
        const jti = JSON.parse(Buffer.from(proof.split('.')[1] ?? '', 'base64url').toString() || '{}').jti;
        log(
          response.ok
            ? `refresh #${++refreshes}: new access token and rotated refresh token (fresh DPoP proof, jti ${String(jti).slice(0, 8)}…)`
            : `refresh refused by Baton: ${response.status}`,
        );
      }
      return response;
    },
  },
});

const listener = await listenWebSocketTransport({ port: Number(env('WATCH_PORT')) });
log(`waiting for the phone on ${listener.url}`);
const transport = await listener.accept();
const account = await companion.pair(transport, { onPairingCode: (code) => log(`pairing code ${code}`) });
await transport.close();
await listener.close();
log(
  `paired: own DPoP-bound session ${account.claims.sessionId} for ${account.username}, stored encrypted in ${env('WATCH_STORE')}`,
);

while (Date.now() < deadline) {
  try {
    const response = await account.fetch(apiUrl);
    const body = (await response.json()) as { sub?: string; dpop?: boolean; error?: string };
    log(
      `GET /api/me -> ${response.status} ${response.ok ? `(user ${body.sub?.slice(0, 8)}…, dpop: ${body.dpop})` : body.error}`,
    );
  } catch (error) {
    if (error instanceof BatonSdkError && error.code === 'session_ended') {
      log('signed out: sign in again on your phone');
      process.exit(0);
    }
    if (error instanceof BatonSdkError && error.code === 'blocked_by_policy') {
      log("blocked by the tenant's conditional-access policy (53003); still signed in, trying again");
    } else log(`could not call the API: ${(error as Error).message}; trying again`);
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
}
log('demo time is up without a revocation');
process.exit(1);
