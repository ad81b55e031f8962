import { availableParallelism } from 'node:os';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../packages/server/test/support/databases.js';
import { getJson, postForm, signInWithPassword } from '../packages/server/test/support/http.js';
import { freePort } from '../packages/server/test/support/free-port.js';
import { isolatedBatonEnv } from './support/baton-env.js';
import { runBatonJson, stopAllProcesses } from './support/baton-process.js';
import { serveBaton, type ServedBaton } from './support/baton-server.js';

const email = 'ada@example.com';
const password = 'correct horse battery staple';

/**
 * What an operator and a user do, each step in its own process: the CLI sets up a tenant,
 * an app and a user, `baton serve` runs beside it, the user signs in and refreshes over
 * HTTP, and the operator lists sessions, rotates keys and revokes from the CLI while the
 * server keeps running.
 */
describe.each(engines)('a user journey across the CLI and the server on %s', (engine) => {
  let env: Record<string, string>;
  let server: ServedBaton;
  let base: string;
  let clientId: string;
  const baton = (...args: string[]) => runBatonJson(args, { env });
  const refresh = (refreshToken: string) =>
    postForm(`${base}/oauth2/v2.0/token`, {
      client_id: clientId,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });

  beforeAll(async () => {
    const port = await freePort();
    env = {
      ...(await isolatedBatonEnv(engine)),
      BATON_PORT: String(port),
      BATON_PUBLIC_URL: `http://127.0.0.1:${port}`,
    };
    const tenant = await baton('tenant', 'create', 'acme');
    if (tenant.code !== 0) throw new Error(tenant.stderr);
    // The server reads apps and users from the database on each request, so it may start while the CLI adds them.
    const [app, user, served] = await Promise.all([
      baton('app', 'create', '--tenant', 'acme', '--name', 'Phone app', '--challenge-types', 'password,redirect'),
      baton('user', 'create', '--tenant', 'acme', '--email', email, '--password', password),
      serveBaton(['--json'], { env }),
    ]);
    if (app.code !== 0 || user.code !== 0) throw new Error(app.stderr + user.stderr);
    clientId = app.json.client_id;
    server = served;
    base = `${server.url}/acme`;
  });
  afterAll(stopAllProcesses);

  let issuer: string;
  let jwksUri: string;
  it('publishes discovery for the tenant the CLI created, under BATON_PUBLIC_URL', async () => {
    const discovery = await getJson(`${base}/v2.0/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(discovery.body.issuer).toBe(`${base}/v2.0`);
    issuer = discovery.body.issuer;
    jwksUri = discovery.body.jwks_uri;
  });

  let latestRefreshToken: string;
  let accessTokenBeforeRotation: string;
  let sessionId: string;
  it('signs the CLI-created user in over native auth and rotates the refresh token', async () => {
    const signIn = await signInWithPassword(base, clientId, email, password);
    expect(signIn.status).toBe(200);
    const refreshed = await refresh(signIn.body.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(signIn.body.refresh_token);
    latestRefreshToken = refreshed.body.refresh_token;
    accessTokenBeforeRotation = refreshed.body.access_token;
  });

  it('lists the session with its device in `baton sessions list --json`', async () => {
    const { payload } = await jwtVerify(accessTokenBeforeRotation, createRemoteJWKSet(new URL(jwksUri)), {
      issuer,
      audience: clientId,
    });
    const listed = await baton('sessions', 'list', '--tenant', 'acme', '--user', email);
    expect(listed.code).toBe(0);
    expect(listed.json).toHaveLength(1);
    // Node's fetch names itself "node" in User-Agent, which is what names a device without MSAL's x-client-* headers.
    expect(listed.json[0]).toMatchObject({
      id: payload.sid,
      client_id: clientId,
      parent_id: null,
      status: 'active',
      device: { kind: 'primary', name: 'node' },
    });
    expect(listed.json[0].device.id).toEqual(expect.any(String));
    sessionId = listed.json[0].id;
  });

  it('rotates keys from the CLI: the running server signs with the new key and the old one still verifies', async () => {
    // A relying party that fetched the JWKS before the rotation and refetches on an unknown kid.
    const jwks = createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: 0 });
    await jwtVerify(accessTokenBeforeRotation, jwks, { issuer, audience: clientId });
    const oldKid = decodeProtectedHeader(accessTokenBeforeRotation).kid;

    const rotated = await baton('keys', 'rotate', '--tenant', 'acme');
    expect(rotated.code).toBe(0);
    expect(rotated.json).toEqual({ kid: expect.any(String), alg: 'ES256' });
    expect(rotated.json.kid).not.toBe(oldKid);

    const published = await getJson(jwksUri);
    expect(published.body.keys.map((k: { kid: string }) => k.kid)).toEqual(
      expect.arrayContaining([oldKid, rotated.json.kid]),
    );

    const next = await refresh(latestRefreshToken);
    expect(next.status).toBe(200);
    expect(decodeProtectedHeader(next.body.access_token).kid).toBe(rotated.json.kid);
    expect(decodeProtectedHeader(next.body.id_token).kid).toBe(rotated.json.kid);
    await jwtVerify(next.body.access_token, jwks, { issuer, audience: clientId });
    await jwtVerify(accessTokenBeforeRotation, jwks, { issuer, audience: clientId });
    latestRefreshToken = next.body.refresh_token;
  });

  it('revokes one session with `sessions revoke --session`: its refresh token gets invalid_grant', async () => {
    const revoked = await baton('sessions', 'revoke', '--tenant', 'acme', '--session', sessionId);
    expect(revoked.code).toBe(0);
    expect(revoked.json).toEqual({ revoked: [sessionId] });
    const after = await refresh(latestRefreshToken);
    expect(after.status).toBe(400);
    expect(after.body.error).toBe('invalid_grant');
  });

  it('revokes every session of the user with `sessions revoke --user`', async () => {
    const [first, second] = await Promise.all([
      signInWithPassword(base, clientId, email, password),
      signInWithPassword(base, clientId, email, password),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const revoked = await baton('sessions', 'revoke', '--tenant', 'acme', '--user', email);
    expect(revoked.code).toBe(0);
    expect(revoked.json.revoked).toHaveLength(2);
    for (const signIn of [first, second]) {
      const after = await refresh(signIn.body.refresh_token);
      expect(after.status).toBe(400);
      expect(after.body.error).toBe('invalid_grant');
    }
    const listed = await baton('sessions', 'list', '--tenant', 'acme', '--user', email);
    expect(listed.json.map((s: { status: string }) => s.status)).toEqual(['revoked', 'revoked', 'revoked']);
  });

  it('stops cleanly on SIGTERM, having printed exactly one JSON value', async () => {
    const exit = await server.stop('SIGTERM');
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(JSON.parse(exit.stdout)).toEqual({
      url: server.url,
      public_url: server.url,
      database: engine,
      // The default: one worker per core on PostgreSQL, one on an SQLite file.
      workers: engine === 'postgres' ? availableParallelism() : 1,
      demo: null,
    });
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
