import { tokenTypes } from '@baton/protocol';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { expectError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { dpopProof, newDpopKey, type DpopKey } from '../support/dpop.js';
import { getJson, postForm, type HttpResult } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const tokenExchange = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accountScope = 'openid profile offline_access baton.account';

interface SignedIn {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  key?: DpopKey;
}

describe.each(engines)('the account API on %s', (engine) => {
  let t: TestServer;
  let phoneApp: App;
  let watchApp: App;
  let viewApp: App;

  beforeAll(async () => {
    // X-Forwarded-For is believed, so a sign-in can come from an address the country database places.
    t = await startTestServer({ engine, config: { trustProxy: true } });
    phoneApp = (await t.registerApp({ name: 'Phone app', allowSessionTransfer: true })).app;
    watchApp = (await t.registerApp({ name: 'Watch app', acceptSessionTransfer: true, allowSessionTransfer: true }))
      .app;
    viewApp = (
      await t.registerApp({ name: 'Web view', acceptSessionTransfer: true, allowedOrigins: ['https://app.example'] })
    ).app;
  });
  afterAll(async () => {
    await t?.close();
  });

  const tokenUrl = () => `${t.base}/oauth2/v2.0/token`;
  const sessionsUrl = () => `${t.base}/account/v1/sessions`;

  /** A native-auth password sign-in of Ada on the phone app, from `ip`, DPoP-bound when a key is given. */
  async function signIn(options: { scope?: string; ip?: string; key?: DpopKey; email?: string } = {}) {
    const from = { 'x-forwarded-for': options.ip ?? '127.0.0.1' };
    const user = { client_id: phoneApp.clientId, challenge_type: 'password redirect' };
    const initiate = await postForm(
      `${t.base}/oauth2/v2.0/initiate`,
      { ...user, username: options.email ?? t.user.email },
      from,
    );
    const challenge = await postForm(
      `${t.base}/oauth2/v2.0/challenge`,
      { ...user, continuation_token: initiate.body.continuation_token },
      from,
    );
    const res = await postForm(
      tokenUrl(),
      {
        client_id: phoneApp.clientId,
        continuation_token: challenge.body.continuation_token,
        grant_type: 'password',
        password: t.userPassword,
        scope: options.scope ?? accountScope,
      },
      { ...from, ...(await tokenProof(options.key)) },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return signedIn(res, options.key);
  }

  function signedIn(res: HttpResult, key?: DpopKey): SignedIn {
    return {
      accessToken: res.body.access_token,
      refreshToken: res.body.refresh_token,
      sessionId: decodeJwt(res.body.id_token).sid as string,
      ...(key ? { key } : {}),
    };
  }

  /** The DPoP header of a token request signed with `key`, when there is one. */
  async function tokenProof(key: DpopKey | undefined): Promise<Record<string, string>> {
    return key ? { dpop: await dpopProof(key, { method: 'POST', url: tokenUrl(), now: Date.now() }) } : {};
  }

  /** `from` hands off to `to` (a transfer token, redeemed with a new DPoP key on a new device). */
  async function handOff(from: SignedIn, fromApp: App, to: App, device: string): Promise<SignedIn> {
    const transfer = await postForm(
      tokenUrl(),
      {
        grant_type: tokenExchange,
        client_id: fromApp.clientId,
        subject_token: from.refreshToken,
        subject_token_type: tokenTypes.refreshToken,
        requested_token_type: tokenTypes.sessionTransferToken,
        audience: to.clientId,
      },
      await tokenProof(from.key),
    );
    expect(transfer.status, JSON.stringify(transfer.body)).toBe(200);
    const key = await newDpopKey();
    const res = await postForm(
      tokenUrl(),
      {
        grant_type: tokenExchange,
        client_id: to.clientId,
        subject_token: transfer.body.access_token,
        subject_token_type: tokenTypes.sessionTransferToken,
        device_name: device,
        device_platform: 'test',
      },
      { dpop: await dpopProof(key, { method: 'POST', url: tokenUrl(), now: Date.now() }) },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return signedIn(res, key);
  }

  /** phone -> watch -> web view, the phone signed in with baton.account. */
  async function graph() {
    const phone = await signIn();
    const watch = await handOff(phone, phoneApp, watchApp, 'Ada’s Watch');
    const view = await handOff(watch, watchApp, viewApp, 'In-app browser');
    return { phone, watch, view };
  }

  /** The Authorization (and DPoP) headers of `caller` for a request to `url`. */
  async function auth(caller: SignedIn, method: string, url: string): Promise<Record<string, string>> {
    if (!caller.key) return { authorization: `Bearer ${caller.accessToken}` };
    const proof = await dpopProof(caller.key, { method, url, now: Date.now(), accessToken: caller.accessToken });
    return { authorization: `DPoP ${caller.accessToken}`, dpop: proof };
  }

  const list = async (caller: SignedIn) => getJson(sessionsUrl(), await auth(caller, 'GET', sessionsUrl()));
  async function revoke(caller: SignedIn, id: string): Promise<HttpResult> {
    const url = `${sessionsUrl()}/${encodeURIComponent(id)}`;
    const res = await fetch(url, { method: 'DELETE', headers: await auth(caller, 'DELETE', url) });
    return { status: res.status, headers: res.headers, body: await res.json() };
  }
  async function revokeOthers(caller: SignedIn): Promise<HttpResult> {
    const url = `${sessionsUrl()}/others`;
    const res = await fetch(url, { method: 'DELETE', headers: await auth(caller, 'DELETE', url) });
    return { status: res.status, headers: res.headers, body: await res.json() };
  }
  const refresh = async (app: App, caller: SignedIn) =>
    postForm(
      tokenUrl(),
      { grant_type: 'refresh_token', client_id: app.clientId, refresh_token: caller.refreshToken },
      await tokenProof(caller.key),
    );
  const auditOf = (type: string) => t.services.repos.audit.list({ tenantId: t.tenant.id, type, userId: t.user.id });

  it('is a scope discovery lists', async () => {
    const discovery = await getJson(`${t.base}/v2.0/.well-known/openid-configuration`);
    expect(discovery.body.scopes_supported).toContain('baton.account');
  });

  it('lists the graph phone -> watch -> web view, the admin fields plus current on the caller', async () => {
    const { phone, watch, view } = await graph();
    const res = await list(phone);
    expect(res.status).toBe(200);
    const byId = new Map(res.body.sessions.map((s: { id: string }) => [s.id, s]));
    expect(byId.get(phone.sessionId)).toEqual({
      id: phone.sessionId,
      parent_id: null,
      app: { client_id: phoneApp.clientId, name: 'Phone app' },
      device: { id: expect.any(String), name: expect.any(String), platform: expect.any(String), kind: 'primary' },
      created_at: expect.any(String),
      last_used_at: expect.any(String),
      expires_at: expect.any(String),
      amr: ['pwd'],
      status: 'active',
      revoked_at: null,
      revoked_reason: null,
      current: true,
    });
    expect(byId.get(watch.sessionId)).toMatchObject({
      parent_id: phone.sessionId,
      app: { name: 'Watch app' },
      device: { name: 'Ada’s Watch', kind: 'companion' },
      current: false,
    });
    expect(byId.get(view.sessionId)).toMatchObject({ parent_id: watch.sessionId, device: { name: 'In-app browser' } });
    expect(res.body.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
  });

  it("revokes a branch: the watch and its web view end, the watch's refresh is invalid_grant, the phone goes on; audited", async () => {
    const { phone, watch, view } = await graph();
    const res = await revoke(phone, watch.sessionId);
    expect(res.status).toBe(200);
    expect(res.body.revoked.sort()).toEqual([watch.sessionId, view.sessionId].sort());
    expectError(await refresh(watchApp, watch), 400, 'invalid_grant');
    expect((await refresh(phoneApp, phone)).status).toBe(200);
    expect((await auditOf('account.session_revoked')).find((e) => e.sessionId === watch.sessionId)).toMatchObject({
      clientId: watchApp.clientId,
      data: { reason: 'revoked_by_user', sessions: expect.arrayContaining([watch.sessionId, view.sessionId]) },
    });
    expect((await revoke(phone, watch.sessionId)).body).toEqual({ revoked: [] });
  });

  it("answers another user's session and an unknown id alike: 404 not_found, nothing ended", async () => {
    const grace = await t.services.accounts.create(t.tenant, {
      email: 'grace@example.com',
      password: t.userPassword,
      emailVerified: true,
    });
    const theirs = await signIn({ email: grace.email });
    const { phone } = await graph();
    for (const id of [theirs.sessionId, 'no-such-session']) {
      const res = await revoke(phone, id);
      expectError(res, 404, 'not_found');
    }
    expect((await list(theirs)).body.sessions.map((s: { status: string }) => s.status)).toEqual(['active']);
  });

  it('refuses a token without baton.account (403 insufficient_scope) and a missing or bad one (401 invalid_token)', async () => {
    const plain = await signIn({ scope: 'openid profile offline_access' });
    const res = await list(plain);
    expectError(res, 403, 'insufficient_scope');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope"/);
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Record<string, string>[]) {
      const refused = await getJson(sessionsUrl(), headers);
      expectError(refused, 401, 'invalid_token');
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    }
  });

  it('takes a DPoP-bound token only with its proof', async () => {
    const phone = await signIn({ key: await newDpopKey() });
    expect(decodeJwt(phone.accessToken).cnf).toBeDefined();
    expect((await list(phone)).status).toBe(200);
    expectError(await getJson(sessionsUrl(), { authorization: `Bearer ${phone.accessToken}` }), 401, 'invalid_token');
    const stranger = { ...phone, key: await newDpopKey() };
    const res = await list(stranger);
    expectError(res, 401, 'invalid_dpop_proof');
    expect(res.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
  });

  it("stops a revoked session's access token at once, though the JWT has not expired", async () => {
    const { phone } = await graph();
    const other = await signIn();
    expect((await revoke(other, phone.sessionId)).status).toBe(200);
    expectError(await list(phone), 401, 'invalid_token');
  });

  it('signs out everywhere but this device: the caller and its branch go on, the rest end; audited once', async () => {
    const laptop = await signIn();
    const { phone, watch, view } = await graph();
    const res = await revokeOthers(phone);
    expect(res.status).toBe(200);
    expect(res.body.revoked).toContain(laptop.sessionId);
    expect(res.body.kept.sort()).toEqual([phone.sessionId, watch.sessionId, view.sessionId].sort());
    expectError(await refresh(phoneApp, laptop), 400, 'invalid_grant');
    expect((await refresh(watchApp, watch)).status).toBe(200);
    const after = await list(phone);
    expect(after.status).toBe(200);
    expect(after.body.sessions.find((s: { id: string }) => s.id === laptop.sessionId).status).toBe('revoked');
    const [event] = await auditOf('account.signed_out_elsewhere');
    expect(event).toMatchObject({ data: { reason: 'revoked_by_user', sessions: res.body.revoked } });
  });

  it('lists recent sign-ins with their app and device, the country when the address is placed, else the address', async () => {
    const abroad = await signIn({ ip: '145.97.1.1' });
    const watch = await handOff(abroad, phoneApp, watchApp, 'Ada’s Watch');
    const activity = `${t.base}/account/v1/activity`;
    const res = await getJson(`${activity}?limit=2`, await auth(abroad, 'GET', activity));
    expect(res.status).toBe(200);
    expect(res.body.sign_ins).toEqual([
      {
        at: expect.any(String),
        kind: 'session_transfer',
        session_id: watch.sessionId,
        app: { client_id: watchApp.clientId, name: 'Watch app' },
        device: expect.objectContaining({ name: 'Ada’s Watch', kind: 'companion' }),
        place: { ip: '127.0.0.1' },
      },
      expect.objectContaining({ kind: 'sign_in', session_id: abroad.sessionId, place: { country: 'NL' } }),
    ]);
    expectError(await getJson(`${activity}?limit=1000`, await auth(abroad, 'GET', activity)), 400, 'invalid_request');
  });

  it("lets a page of a registered origin revoke from the browser (DELETE in CORS's preflight)", async () => {
    const res = await fetch(`${sessionsUrl()}/some-id`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'DELETE' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toContain('DELETE');
  });
});
