import { Companion, FileStore, listenWebSocketTransport } from '@baton/sdk/node';
import { callApiUntilSignedOut, log, narratingRefreshes, requiredEnv } from './child.js';

/**
 * The watch: waits for the phone on a WebSocket, pairs, then keeps calling the protected
 * API on its own, refreshing its DPoP-bound session whenever the access token runs out,
 * until the session is revoked.
 */
const companion = new Companion({
  baseUrl: requiredEnv('BATON_BASE'),
  clientId: requiredEnv('WATCH_CLIENT_ID'),
  store: new FileStore({ directory: requiredEnv('WATCH_STORE') }),
  platform: {
    device: { name: "Ada's watch (demo)", platform: 'demo watch' },
    fetch: narratingRefreshes((init) => {
      const proof = new Headers(init.headers).get('dpop') ?? '';
      const jti = JSON.parse(Buffer.from(proof.split('.')[1] ?? '', 'base64url').toString() || '{}').jti;
      return ` (fresh DPoP proof, jti ${String(jti).slice(0, 8)}…)`;
    }),
  },
});

const listener = await listenWebSocketTransport({ port: Number(requiredEnv('WATCH_PORT')) });
log(`waiting for the phone on ${listener.url}`);
const transport = await listener.accept();
const account = await companion.pair(transport, { onPairingCode: (code) => log(`pairing code ${code}`) });
await transport.close();
await listener.close();
log(
  `paired: own DPoP-bound session ${account.claims.sessionId} for ${account.username}, stored encrypted in ${requiredEnv('WATCH_STORE')}`,
);

await callApiUntilSignedOut(
  account,
  requiredEnv('API_URL'),
  Number(process.env.WATCH_MAX_MS ?? 60_000),
  'signed out: sign in again on your phone',
);
