import { createWebApp } from './web-app.js';

/**
 * `npm run example:web`: the example web app on its own.
 *   BATON_ISSUER_BASE     the tenant base, e.g. http://localhost:8080/demo
 *   WEB_CLIENT_ID         this app's client_id (baton app create --redirect-uri http://localhost:3000/callback
 *                         --post-logout-redirect-uri http://localhost:3000/ --accept-session-transfer)
 *   WEB_PORT              default 3000; WEB_PUBLIC_URL when it is reached at another address
 *   BEARER_AUDIENCES      comma-separated client_ids of native apps whose access tokens it accepts as Bearer
 */
const issuerBase = process.env.BATON_ISSUER_BASE;
const clientId = process.env.WEB_CLIENT_ID;
if (!issuerBase || !clientId) {
  process.stderr.write(
    "Set BATON_ISSUER_BASE (e.g. http://localhost:8080/demo) and WEB_CLIENT_ID (the web app's client_id)\n",
  );
  process.exit(1);
}
const port = Number(process.env.WEB_PORT ?? 3000);
const app = await createWebApp({
  issuerBase,
  clientId,
  publicUrl: process.env.WEB_PUBLIC_URL ?? `http://localhost:${port}`,
  logger: true,
  bearerAudiences: (process.env.BEARER_AUDIENCES ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean),
});
await app.listen({ port, host: '127.0.0.1' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());
