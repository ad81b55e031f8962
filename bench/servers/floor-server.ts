/**
 * The floor: the least a rotating token endpoint can do on this stack. One Fastify route
 * that parses a form, signs one ES256 JWT with node:crypto and writes one row to an
 * SQLite file opened exactly as Baton opens its database. Prints one JSON line when ready.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import formBody from '@fastify/formbody';
import Fastify from 'fastify';
import { signJwt } from '../../packages/server/src/crypto/jwt-signer.js';
import { openSqlite } from '../../packages/server/src/storage/database.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-bench-floor-'));
const sqlite = openSqlite(join(dir, 'floor.db'));
sqlite.exec('CREATE TABLE tokens (digest TEXT PRIMARY KEY, issued_at INTEGER NOT NULL)');
const insert = sqlite.prepare('INSERT INTO tokens (digest, issued_at) VALUES (?, ?)');
const key = {
  kid: 'floor',
  alg: 'ES256' as const,
  privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
};

const app = Fastify({ logger: false });
await app.register(formBody);
app.post('/token', async (request) => {
  const clientId = (request.body as Record<string, string | undefined>).client_id ?? 'floor';
  const iat = Math.floor(Date.now() / 1000);
  const accessToken = signJwt(
    {
      iss: 'http://127.0.0.1/floor/v2.0',
      aud: clientId,
      sub: randomUUID(),
      scope: 'openid profile offline_access',
      iat,
      exp: iat + 3600,
      jti: randomUUID(),
    },
    key,
    'at+jwt',
  );
  insert.run(randomBytes(32).toString('base64url'), Date.now());
  return { token_type: 'Bearer', access_token: accessToken, expires_in: 3600 };
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.once(
  'SIGTERM',
  () =>
    void app.close().then(() => {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }),
);
process.stdout.write(`${JSON.stringify({ url })}\n`);
