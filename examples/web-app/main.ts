import { createWebApp } from './web-app.js';

/**
 * `npm run example:web`: the example web app on its own.
 *   BATON_ISSUER_BASE     the tenant base, e.g. http://localhost:8080/demo
 *   WEB_CLIENT_ID         this app's client_id (baton app create --redirect-uri http://localhost:3000/callback
 *                         --post-logout-redirect-uri http://localhost:3000/ --accept-session-transfer)
 *   WEB_PORT              default 3000; WEB_PUBLIC_URL when it is reached at another address
 *   BEARER_AUDIENCES      comma-separated client_ids of native apps whose access tokens it accepts as Bearer
 */
const issuerBase = process.env.BATON_ISSUER_BASE?.replace(/\/$/, '');
const clientId = process.env.WEB_CLIENT_ID;
if (!issuerBase || !clientId) {
  process.stderr.write(
    "Set BATON_ISSUER_BASE (e.g. http://localhost:8080/demo) and WEB_CLIENT_ID (the web app's client_id)\n",
  );
  process.exit(1);
}
const port = Number(process.env.WEB_PORT ?? 3000);
const publicUrl = (process.env.WEB_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
const app = await createWebApp({
  issuerBase,
  clientId,
  publicUrl,
  logger: true,
  bearerAudiences: (process.env.BEARER_AUDIENCES ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean),
}).catch((error: unknown) => {
  // Discovery is the first request to Baton: say what to do instead of printing a stack.
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
  process.stderr.write(
    `Baton is not reachable at ${issuerBase}/v2.0/.well-known/openid-configuration (${cause}).\n` +
      'Start it (npm start) and set BATON_ISSUER_BASE to its tenant base, e.g. http://localhost:8080/demo\n',
  );
  process.exit(1);
});
// The session cookie belongs to one host name, the one in the redirect URI: a visit by
// another name (127.0.0.1 for localhost) is sent there first, so both addresses work.
const publicHost = new URL(publicUrl).host;
app.addHook('onRequest', async (request, reply) => {
  if (request.headers.host !== publicHost) return reply.redirect(`${publicUrl}${request.url}`, 302);
});
// `localhost` listens on every address it names (127.0.0.1 and ::1), whichever the browser picks.
await app.listen({ port, host: new URL(publicUrl).hostname === 'localhost' ? 'localhost' : '127.0.0.1' });
process.stdout.write(`\nThe example web app is at ${publicUrl}/ (signed in by Baton at ${issuerBase})\n\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());
