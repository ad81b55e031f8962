import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startHandoffServer,
  type HandoffApps,
  type HandoffClient,
} from '../../packages/server/test/handoff/handoff-client.js';
import { dpopProof, newDpopKey, type DpopKey, type ProofTweaks } from '../../packages/server/test/support/dpop.js';
import { getJson, type HttpResult } from '../../packages/server/test/support/http.js';
import { freePort } from '../../packages/server/test/support/free-port.js';
import type { TestServer } from '../../packages/server/test/support/test-server.js';
import { createProtectedApi } from './protected-api.js';

/** The example resource server in front of a real Baton, taking Bearer and DPoP-bound tokens. */
describe('the example protected API', () => {
  let t: TestServer;
  let apps: HandoffApps;
  let client: HandoffClient;
  let api: FastifyInstance;
  let meUrl: string;
  beforeAll(async () => {
    ({ t, apps, client } = await startHandoffServer('sqlite', { lifetimes: { accessTokenTtl: 60 } }));
    const port = await freePort();
    api = createProtectedApi({
      issuerBase: t.base,
      audiences: [apps.phone.clientId, apps.watch.clientId],
      publicUrl: `http://127.0.0.1:${port}`,
      now: () => t.clock.now(),
    });
    meUrl = `${await api.listen({ port, host: '127.0.0.1' })}/api/me`;
  });
  afterAll(async () => {
    await api?.close();
    await t?.close();
  });

  const me = (headers: Record<string, string>, url = meUrl) => getJson(url, headers);
  const proof = (key: DpopKey, accessToken: string, tweaks?: ProofTweaks) =>
    dpopProof(key, { method: 'GET', url: meUrl, now: t.clock.now(), accessToken }, tweaks);
  const withProof = async (key: DpopKey, accessToken: string, tweaks?: ProofTweaks) =>
    me({ authorization: `DPoP ${accessToken}`, dpop: await proof(key, accessToken, tweaks) });
  /** A refusal as RFC 6750 / RFC 9449 write it: status, error body, and a challenge naming the error in `scheme`. */
  const expectRefused = (res: HttpResult, scheme: 'Bearer' | 'DPoP', error: string) => {
    expect({ status: res.status, error: res.body?.error }, JSON.stringify(res.body)).toEqual({
      status: error === 'invalid_request' ? 400 : 401,
      error,
    });
    expect(res.body.error_description).toEqual(expect.any(String));
    expect(res.headers.get('www-authenticate')).toContain(`${scheme} realm="protected-api", error="${error}"`);
  };

  it('answers a Bearer token of an app it serves', async () => {
    const phone = await client.signIn();
    const res = await me({ authorization: `Bearer ${phone.accessToken}` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      sub: t.user.id,
      client_id: apps.phone.clientId,
      scope: expect.stringContaining('openid'),
      dpop: false,
    });
  });

  it('answers a DPoP-bound token with a proof of its key', async () => {
    const { companion } = await client.handOff();
    const res = await withProof(companion.key, companion.tokens.access_token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ sub: t.user.id, client_id: apps.watch.clientId, dpop: true });
  });

  it('refuses a DPoP-bound token presented as Bearer, with or without a proof', async () => {
    const { companion } = await client.handOff();
    const at = companion.tokens.access_token;
    expectRefused(await me({ authorization: `Bearer ${at}` }), 'Bearer', 'invalid_token');
    expectRefused(
      await me({ authorization: `Bearer ${at}`, dpop: await proof(companion.key, at) }),
      'Bearer',
      'invalid_token',
    );
  });

  it('refuses a proof from another key, and a DPoP-bound token without a proof', async () => {
    const { companion } = await client.handOff();
    const at = companion.tokens.access_token;
    expectRefused(await withProof(await newDpopKey(), at), 'DPoP', 'invalid_dpop_proof');
    expectRefused(await me({ authorization: `DPoP ${at}` }), 'DPoP', 'invalid_dpop_proof');
  });

  it('refuses a replayed proof', async () => {
    const { companion } = await client.handOff();
    const at = companion.tokens.access_token;
    const once = await proof(companion.key, at);
    expect((await me({ authorization: `DPoP ${at}`, dpop: once })).status).toBe(200);
    expectRefused(await me({ authorization: `DPoP ${at}`, dpop: once }), 'DPoP', 'invalid_dpop_proof');
  });

  it('refuses proofs for another token, method or URL, stale or of another type', async () => {
    const { companion } = await client.handOff();
    const at = companion.tokens.access_token;
    const tweaks: ProofTweaks[] = [
      { claims: { ath: 'd3JvbmcgaGFzaA' } },
      { claims: { ath: undefined } },
      { claims: { htm: 'POST' } },
      { claims: { htu: meUrl.replace('/api/me', '/api/other') } },
      { claims: { iat: Math.floor(t.clock.now() / 1000) - 121 } },
      { claims: { jti: undefined } },
      { header: { typ: 'JWT' } },
    ];
    for (const tweak of tweaks) expectRefused(await withProof(companion.key, at, tweak), 'DPoP', 'invalid_dpop_proof');
    expect((await withProof(companion.key, at)).status).toBe(200);
  });

  it('refuses a Bearer token presented as DPoP', async () => {
    const phone = await client.signIn();
    expectRefused(await withProof(await newDpopKey(), phone.accessToken), 'DPoP', 'invalid_token');
  });

  it('refuses a token for an audience it does not serve, an ID token and a tampered token', async () => {
    const other = await client.signIn(t.app);
    expectRefused(await me({ authorization: `Bearer ${other.accessToken}` }), 'Bearer', 'invalid_token');
    const port = await freePort();
    const narrow = createProtectedApi({
      issuerBase: t.base,
      audiences: [apps.watch.clientId],
      publicUrl: `http://127.0.0.1:${port}`,
      now: () => t.clock.now(),
    });
    try {
      const narrowUrl = `${await narrow.listen({ port, host: '127.0.0.1' })}/api/me`;
      const phone = await client.signIn();
      expectRefused(await me({ authorization: `Bearer ${phone.accessToken}` }, narrowUrl), 'Bearer', 'invalid_token');
    } finally {
      await narrow.close();
    }
    const signIn = await client.signIn();
    const idToken = (await client.refresh(apps.phone, signIn.refreshToken)).body.id_token;
    expectRefused(await me({ authorization: `Bearer ${idToken}` }), 'Bearer', 'invalid_token');
    expectRefused(
      await me({ authorization: `Bearer ${signIn.accessToken.slice(0, -4)}AAAA` }),
      'Bearer',
      'invalid_token',
    );
  });

  it('answers a request without credentials with both challenges and no error code', async () => {
    for (const headers of [{}, { authorization: 'Basic YWRhOnNlY3JldA==' }] as Array<Record<string, string>>) {
      const res = await me(headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="protected-api", DPoP realm="protected-api", algs="[^"]*ES256/,
      );
      expect(res.headers.get('www-authenticate')).not.toContain('error=');
    }
    expectRefused(await me({ authorization: 'Bearer' }), 'Bearer', 'invalid_request');
  });

  it('refuses tokens once they expire', async () => {
    const phone = await client.signIn();
    const { companion } = await client.handOff();
    t.clock.advance!(61_000);
    expectRefused(await withProof(companion.key, companion.tokens.access_token), 'DPoP', 'invalid_token');
    expect((await me({ authorization: `Bearer ${phone.accessToken}` })).status).toBe(200);
    t.clock.advance!(3600_000);
    expectRefused(await me({ authorization: `Bearer ${phone.accessToken}` }), 'Bearer', 'invalid_token');
  });
});
