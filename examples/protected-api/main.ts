import { createProtectedApi } from './protected-api.js';

/**
 * `npm run example:api`: the sample resource server on its own.
 *   BATON_ISSUER_BASE  the tenant base, e.g. http://localhost:8080/demo
 *   API_AUDIENCES      comma-separated client_ids whose tokens it accepts
 *   API_PORT           default 4000
 *   API_PUBLIC_URL     the URL clients call it at, which DPoP proofs name (htu);
 *                      default http://127.0.0.1:<API_PORT>, where it listens
 */
const issuerBase = process.env.BATON_ISSUER_BASE;
const audiences = (process.env.API_AUDIENCES ?? '')
  .split(',')
  .map((a) => a.trim())
  .filter(Boolean);
if (!issuerBase || audiences.length === 0) {
  process.stderr.write(
    'Set BATON_ISSUER_BASE (e.g. http://localhost:8080/demo) and API_AUDIENCES (the client_ids it serves)\n',
  );
  process.exit(1);
}
const port = Number(process.env.API_PORT ?? 4000);
const publicUrl = process.env.API_PUBLIC_URL || `http://127.0.0.1:${port}`;
const api = createProtectedApi({ issuerBase, audiences, publicUrl, logger: true });
await api.listen({ port, host: '127.0.0.1' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void api.close());
