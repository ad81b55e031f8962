import { exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { dpopProof, newDpopKey, type DpopKey, type ProofTweaks } from '../support/dpop.js';
import { getJson, postForm, type HttpResult } from '../support/http.js';
import type { TestServer } from '../support/test-server.js';
import { basicAuth } from '../support/tokens.js';
import { startHandoffServer, type HandoffApps, type HandoffClient, type HandedOff } from './handoff-client.js';

describe.each(engines)('DPoP (RFC 9449) on %s', (engine) => {
  let t: TestServer;
  let apps: HandoffApps;
  let client: HandoffClient;
  beforeAll(async () => {
    ({ t, apps, client } = await startHandoffServer(engine));
  });
  afterAll(async () => {
    await t?.close();
  });

  const companionRefresh = (
    h: HandedOff,
    refreshToken: string,
    proof: Parameters<HandoffClient['refresh']>[2],
    tweaks?: ProofTweaks,
  ) => client.refresh(h.companion.app, refreshToken, proof, tweaks);
  /** `proof` with its header's `alg` changed and its ES256 signature kept, as a hostile client would send it. */
  const relabelled = (proof: string, alg: string) => {
    const [header, ...rest] = proof.split('.');
    const changed = { ...JSON.parse(Buffer.from(header!, 'base64url').toString()), alg };
    return [Buffer.from(JSON.stringify(changed)).toString('base64url'), ...rest].join('.');
  };
  /** A proof for the token endpoint with `key`, taken now. */
  const tokenProof = (key: DpopKey, tweaks?: ProofTweaks) =>
    dpopProof(key, { method: 'POST', url: client.tokenUrl, now: t.clock.now() }, tweaks);

  describe("the companion's refresh token", () => {
    it('refreshes with a fresh proof from its key and stays bound to it', async () => {
      const h = await client.handOff();
      const res = await companionRefresh(h, h.companion.tokens.refresh_token, h.companion.key);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.token_type).toBe('DPoP');
      const next = await companionRefresh(h, res.body.refresh_token, h.companion.key);
      expect(next.status).toBe(200);
    });

    it('is refused without a proof and with a proof from another key, and stays usable', async () => {
      const h = await client.handOff();
      const token = h.companion.tokens.refresh_token;
      expectNativeAuthError(await companionRefresh(h, token, null), 400, 'invalid_grant');
      expectNativeAuthError(await companionRefresh(h, token, await newDpopKey()), 400, 'invalid_grant');
      // Still the current token, past the retry window: the refusals consumed nothing.
      t.clock.advance!(11_000);
      expect((await companionRefresh(h, token, h.companion.key)).status).toBe(200);
    });

    it('is refused with a replayed proof: the same proof again, or a new one reusing its jti', async () => {
      const h = await client.handOff();
      const proof = await tokenProof(h.companion.key);
      const first = await companionRefresh(h, h.companion.tokens.refresh_token, { proof });
      expect(first.status).toBe(200);
      const successor = first.body.refresh_token;
      expectNativeAuthError(await companionRefresh(h, successor, { proof }), 400, 'invalid_dpop_proof');
      const { jti } = JSON.parse(Buffer.from(proof.split('.')[1]!, 'base64url').toString());
      t.clock.advance!(1_000);
      expectNativeAuthError(
        await companionRefresh(h, successor, h.companion.key, { claims: { jti } }),
        400,
        'invalid_dpop_proof',
      );
      expect((await companionRefresh(h, successor, h.companion.key)).status).toBe(200);
    });
  });

  describe('proof checks at the token endpoint', () => {
    let h: HandedOff;
    beforeAll(async () => {
      h = await client.handOff();
    });

    const refusedProofs: Array<[string, () => Promise<ProofTweaks | { proof: string }>]> = [
      ['for another method (htm)', async () => ({ claims: { htm: 'GET' } })],
      ['for another path (htu)', async () => ({ claims: { htu: `${t.base}/oauth2/v2.0/revoke` } })],
      ['for another host (htu)', async () => ({ claims: { htu: client.tokenUrl.replace('127.0.0.1', 'localhost') } })],
      ['issued more than 60 s in the future', async () => ({ claims: { iat: Math.floor(t.clock.now() / 1000) + 61 } })],
      ['without a jti', async () => ({ claims: { jti: undefined } })],
      ['without an iat', async () => ({ claims: { iat: undefined } })],
      ['of another typ', async () => ({ header: { typ: 'JWT' } })],
      ['past its own exp', async () => ({ claims: { exp: Math.floor(t.clock.now() / 1000) - 1 } })],
      ['carrying a private key', async () => ({ header: { jwk: await exportJWK(h.companion.key.privateKey) } })],
      [
        'signed with HS256',
        async () => ({ hmacSecret: new TextEncoder().encode('a shared secret of thirty-two bytes!') }),
      ],
      [
        'signed by another key than the one it carries',
        async () => ({ header: { jwk: (await newDpopKey()).publicJwk } }),
      ],
      ['that is not a JWT', async () => ({ proof: 'not-a-proof' })],
      [
        'carrying an EC key without its y coordinate',
        async () => ({ header: { jwk: { ...h.companion.key.publicJwk, y: undefined } } }),
      ],
      [
        'naming an algorithm outside the policy (none)',
        async () => ({ proof: relabelled(await tokenProof(h.companion.key), 'none') }),
      ],
      ['naming RS256 for its EC key', async () => ({ proof: relabelled(await tokenProof(h.companion.key), 'RS256') })],
    ];

    it.each(refusedProofs)('refuses a proof %s with invalid_dpop_proof', async (_name, make) => {
      const made = await make();
      const proof = 'proof' in made ? made.proof : await tokenProof(h.companion.key, made);
      expectNativeAuthError(
        await companionRefresh(h, h.companion.tokens.refresh_token, { proof }),
        400,
        'invalid_dpop_proof',
      );
    });

    it('refuses a proof signed by another key that carries a key already seen, so a key kept from earlier proofs vouches for nothing', async () => {
      const refreshed = await companionRefresh(h, h.companion.tokens.refresh_token, h.companion.key);
      expect(refreshed.status).toBe(200);
      h.companion.tokens = refreshed.body;
      const forged = await tokenProof(await newDpopKey(), { header: { jwk: h.companion.key.publicJwk } });
      expectNativeAuthError(
        await companionRefresh(h, h.companion.tokens.refresh_token, { proof: forged }),
        400,
        'invalid_dpop_proof',
      );
      const again = await companionRefresh(h, h.companion.tokens.refresh_token, h.companion.key);
      expect(again.status).toBe(200);
      h.companion.tokens = again.body;
    });

    it('refuses a proof older than 120 seconds and accepts one of 101 seconds', async () => {
      const stale = await tokenProof(h.companion.key);
      t.clock.advance!(20_000);
      const old = await tokenProof(h.companion.key);
      t.clock.advance!(101_000);
      expectNativeAuthError(
        await companionRefresh(h, h.companion.tokens.refresh_token, { proof: stale }),
        400,
        'invalid_dpop_proof',
      );
      const accepted = await companionRefresh(h, h.companion.tokens.refresh_token, { proof: old });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      h.companion.tokens = accepted.body;
    });

    it('refuses a bad proof on a request that does not need one', async () => {
      const phone = await client.signIn();
      const proof = await tokenProof(await newDpopKey(), { claims: { htm: 'PUT' } });
      expectNativeAuthError(await client.refresh(apps.phone, phone.refreshToken, { proof }), 400, 'invalid_dpop_proof');
      expect((await client.refresh(apps.phone, phone.refreshToken)).status).toBe(200);
    });
  });

  describe('DPoP-bound access tokens at userinfo', () => {
    const userinfoUrl = () => `${t.base}/oidc/userinfo`;
    const userinfoProof = (key: DpopKey, accessToken: string, tweaks?: ProofTweaks) =>
      dpopProof(key, { method: 'GET', url: userinfoUrl(), now: t.clock.now(), accessToken }, tweaks);
    const userinfo = (headers: Record<string, string>) => getJson(userinfoUrl(), headers);
    /** RFC 9449 §7.1: a 401 with a DPoP challenge naming the error. */
    const expectDpopChallenge = (res: HttpResult) => {
      expectError(res, 401, 'invalid_dpop_proof');
      expect(res.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
    };

    it('answers `Authorization: DPoP` with a proof bound to the token (ath)', async () => {
      const { companion } = await client.handOff();
      const at = companion.tokens.access_token;
      const res = await userinfo({ authorization: `DPoP ${at}`, dpop: await userinfoProof(companion.key, at) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ sub: t.user.id, email: t.user.email });
    });

    it('refuses the token presented as Bearer, or as DPoP without a proof', async () => {
      const { companion } = await client.handOff();
      const at = companion.tokens.access_token;
      const asBearer = await userinfo({ authorization: `Bearer ${at}` });
      expectError(asBearer, 401, 'invalid_token');
      expect(asBearer.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      // A proof alongside does not make a Bearer presentation acceptable.
      expectError(
        await userinfo({ authorization: `Bearer ${at}`, dpop: await userinfoProof(companion.key, at) }),
        401,
        'invalid_token',
      );
      const withoutProof = await userinfo({ authorization: `DPoP ${at}` });
      expectDpopChallenge(withoutProof);
      expect(withoutProof.body.error_description).toMatch(/send a DPoP proof/);
    });

    it('refuses two DPoP proofs at once, saying so', async () => {
      const { companion } = await client.handOff();
      const at = companion.tokens.access_token;
      const [one, two] = [await userinfoProof(companion.key, at), await userinfoProof(companion.key, at)];
      const res = await userinfo({ authorization: `DPoP ${at}`, dpop: `${one}, ${two}` });
      expectDpopChallenge(res);
      expect(res.body.error_description).toMatch(/exactly one DPoP proof/);
    });

    it('refuses a proof from another key, for another token, replayed, or for another URL, with a DPoP challenge', async () => {
      const { companion } = await client.handOff();
      const at = companion.tokens.access_token;
      const dpop = (proof: string) => userinfo({ authorization: `DPoP ${at}`, dpop: proof });
      expectDpopChallenge(await dpop(await userinfoProof(await newDpopKey(), at)));
      expectDpopChallenge(await dpop(await userinfoProof(companion.key, at, { claims: { ath: 'd3JvbmcgaGFzaA' } })));
      expectDpopChallenge(await dpop(await userinfoProof(companion.key, at, { claims: { ath: undefined } })));
      expectDpopChallenge(
        await dpop(await userinfoProof(companion.key, at, { claims: { htu: `${t.base}/oauth2/v2.0/token` } })),
      );
      const once = await userinfoProof(companion.key, at);
      expect((await dpop(once)).status).toBe(200);
      expectDpopChallenge(await dpop(once));
    });

    it('on a development server (a loopback public URL), accepts a proof for the other loopback name the client called, and no other host', async () => {
      const { companion } = await client.handOff();
      const at = companion.tokens.access_token;
      const viaLocalhost = `${t.base.replace('127.0.0.1', 'localhost')}/oidc/userinfo`;
      const proofFor = (url: string) =>
        dpopProof(companion.key, { method: 'GET', url, now: t.clock.now(), accessToken: at });
      const res = await getJson(viaLocalhost, { authorization: `DPoP ${at}`, dpop: await proofFor(viaLocalhost) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectDpopChallenge(
        await getJson(viaLocalhost, {
          authorization: `DPoP ${at}`,
          dpop: await proofFor(viaLocalhost.replace('localhost', 'evil.example')),
        }),
      );
      expectDpopChallenge(
        await getJson(userinfoUrl(), { authorization: `DPoP ${at}`, dpop: await proofFor(viaLocalhost) }),
      );
    });

    it('refuses a Bearer token presented as DPoP', async () => {
      const phone = await client.signIn();
      const key = await newDpopKey();
      const res = await userinfo({
        authorization: `DPoP ${phone.accessToken}`,
        dpop: await userinfoProof(key, phone.accessToken),
      });
      expectError(res, 401, 'invalid_token');
    });
  });

  it('introspection shows a DPoP-bound access token with cnf.jkt and token_type DPoP', async () => {
    const { app: resource, clientSecret } = await t.registerApp({ name: 'Orders API', type: 'confidential' });
    const { companion } = await client.handOff();
    const res = await postForm(
      `${t.base}/oauth2/v2.0/token/introspect`,
      { token: companion.tokens.access_token },
      basicAuth(resource.clientId, clientSecret!),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: companion.key.jkt },
      client_id: apps.watch.clientId,
      sub: t.user.id,
    });
    const phone = await client.signIn();
    const bearer = await postForm(
      `${t.base}/oauth2/v2.0/token/introspect`,
      { token: phone.accessToken },
      basicAuth(resource.clientId, clientSecret!),
    );
    expect(bearer.body).toMatchObject({ active: true, token_type: 'Bearer' });
    expect(bearer.body.cnf).toBeUndefined();
  });
});
