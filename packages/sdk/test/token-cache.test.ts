import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm } from '../../server/test/support/http.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { BatonSdkError, MemoryStore, type NativeAuthClient } from '../src/index.js';
import { expectKind, recordingFetch, sdkClient, sdkClock, type ClientOptions } from './support.js';

describe('the token cache and sign-out, against a real Baton', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  const signedIn = async (client: NativeAuthClient) =>
    expectKind(await client.signIn({ username: t.user.email, password: t.userPassword }), 'signed_in').account;
  const setup = (options: ClientOptions = {}) => {
    const clock = sdkClock();
    const recorder = recordingFetch();
    const store = new MemoryStore();
    return {
      clock,
      recorder,
      store,
      client: sdkClient(t, { fetch: recorder.fetch, now: clock.now, store, ...options }),
    };
  };
  const storedSession = async (store: MemoryStore, clientId = t.app.clientId) =>
    JSON.parse((await store.get(`baton.session:${clientId}`)) ?? 'null');
  const sessionRow = async (id: string | undefined) =>
    (await t.services.sessions.list(t.tenant, t.user)).find((s) => s.id === id);
  /** A refresh outside the SDK, from the installation whose store is `store`. */
  const rawRefresh = async (refreshToken: string, store: MemoryStore) =>
    postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: t.app.clientId,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      installation_id: (await store.get('baton.installation_id')) ?? '',
    });

  it('serves the cached access token while it is fresh', async () => {
    const { client, clock, recorder } = setup();
    const account = await signedIn(client);
    const first = await account.getAccessToken();
    clock.advance(60_000);
    expect(await account.getAccessToken()).toBe(first);
    expect(recorder.grants('refresh_token')).toHaveLength(0);
  });

  it('refreshes once for twenty concurrent callers after expiry, and stores the rotated refresh token', async () => {
    const { client, clock, recorder, store } = setup();
    const account = await signedIn(client);
    const first = await account.getAccessToken();
    const initialRefreshToken = (await storedSession(store)).refreshToken;
    clock.advance(t.app.accessTokenTtl * 1000);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => account.getAccessToken()));
    expect(recorder.grants('refresh_token')).toHaveLength(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(first);
    const stored = await storedSession(store);
    expect(stored.refreshToken).not.toBe(initialRefreshToken);
    expect(stored.accessToken).toBe(tokens[0]);
    // The stored successor is the server's current token: a client reopening the store carries on with it.
    const reopened = sdkClient(t, { store, fetch: recorder.fetch });
    const again = await reopened.getAccount();
    expect(again?.username).toBe(t.user.email);
    await again!.getAccessToken({ forceRefresh: true });
    expect(recorder.grants('refresh_token').at(-1)?.params.get('refresh_token')).toBe(stored.refreshToken);
  });

  it('refreshes before expiry, inside the margin, and on forceRefresh', async () => {
    const { client, clock, recorder } = setup();
    const account = await signedIn(client);
    clock.advance(t.app.accessTokenTtl * 1000 - 10_000);
    await account.getAccessToken();
    expect(recorder.grants('refresh_token')).toHaveLength(1);
    await account.getAccessToken({ forceRefresh: true });
    expect(recorder.grants('refresh_token')).toHaveLength(2);
  });

  describe('two windows (tabs, app instances) sharing one store', () => {
    /** A second NativeAuthClient over the same store, with its own clock and recorder: another tab. */
    const otherWindow = (store: MemoryStore, options: ClientOptions = {}) => {
      const clock = sdkClock();
      const recorder = recordingFetch();
      return { clock, recorder, client: sdkClient(t, { store, fetch: recorder.fetch, now: clock.now, ...options }) };
    };

    it("the window that refreshes second carries on from the first one's rotation, long after the retry window, and the session lives on", async () => {
      const { app } = await t.registerApp({ name: 'One-second retry window', lifetimes: { refreshRetryWindow: 1 } });
      const first = setup({ app });
      const account = await signedIn(first.client);
      const second = otherWindow(first.store, { app });
      const secondAccount = (await second.client.getAccount())!;
      await account.getAccessToken({ forceRefresh: true });
      const rotatedByFirst = (await storedSession(first.store, app.clientId)).refreshToken;
      await new Promise((resolve) => setTimeout(resolve, 1100));

      second.clock.advance(t.app.accessTokenTtl * 1000);
      await secondAccount.getAccessToken();
      expect(second.recorder.grants('refresh_token').map((r) => r.params.get('refresh_token'))).toEqual([
        rotatedByFirst,
      ]);
      expect((await sessionRow(account.claims.sessionId))?.revokedAt).toBeNull();
      expect(await account.getAccessToken({ forceRefresh: true })).toEqual(expect.any(String));
    });

    it('a window takes the access token another one just refreshed instead of refreshing again, unless it forces a refresh', async () => {
      const first = setup();
      const account = await signedIn(first.client);
      const second = otherWindow(first.store);
      const secondAccount = (await second.client.getAccount())!;
      const refreshed = await account.getAccessToken({ forceRefresh: true });
      expect(await secondAccount.getAccessToken()).toBe(refreshed);
      expect(second.recorder.grants('refresh_token')).toHaveLength(0);
      // Forced, it goes to the server, with the refresh token the first window rotated to: no reuse, the session lives on.
      const forced = await secondAccount.getAccessToken({ forceRefresh: true });
      expect(forced).not.toBe(refreshed);
      expect(second.recorder.grants('refresh_token')).toHaveLength(1);
      expect(await account.getAccessToken({ forceRefresh: true })).toEqual(expect.any(String));
    });

    it('a window sees a sign-out in another at once, without a refresh, and a sign-in made there', async () => {
      const first = setup();
      const second = otherWindow(first.store);
      expect(await second.client.getAccount()).toBeNull();
      const account = await signedIn(first.client);
      const seen = await second.client.getAccount();
      expect(seen?.claims.sessionId).toBe(account.claims.sessionId);
      await seen!.getAccessToken();
      await account.signOut();
      await expect(seen!.getAccessToken()).rejects.toMatchObject({ code: 'session_ended' });
      expect(await second.client.getAccount()).toBeNull();
      expect(second.recorder.grants('refresh_token')).toHaveLength(0);
    });

    it('a window whose session was signed out in another reports session_ended without asking the server', async () => {
      const first = setup();
      const account = await signedIn(first.client);
      const second = otherWindow(first.store);
      const secondAccount = (await second.client.getAccount())!;
      await account.signOut();
      const error = await secondAccount.getAccessToken({ forceRefresh: true }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'session_ended' });
      expect(second.recorder.grants('refresh_token')).toHaveLength(0);
    });
  });

  describe("the tenant's conditional-access policy at refresh", () => {
    const operator = { actor: 'operator', context: { ip: null, userAgent: null, correlationId: 'test' } } as const;
    const setPolicy = async (rules: unknown[]) => {
      await t.services.policies.set(t.tenant, { rules }, operator);
      // every instance takes a new version within a second
      await new Promise((resolve) => setTimeout(resolve, 1100));
    };

    it('a block is blocked_by_policy and keeps the session: the same account refreshes once the policy lets it', async () => {
      const { client, store } = setup();
      const account = await signedIn(client);
      await setPolicy([{ name: 'stop', state: 'enabled', at: ['refresh'], then: { block: true } }]);
      await expect(account.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({
        code: 'blocked_by_policy',
        serverError: 'invalid_grant',
        status: 400,
      });
      expect(await storedSession(store)).not.toBeNull();
      await setPolicy([]);
      expect(await account.getAccessToken({ forceRefresh: true })).toEqual(expect.any(String));
    });

    it('a second factor the session lacks is interaction_required: sign in again with MFA', async () => {
      const { client, store } = setup();
      const account = await signedIn(client);
      await setPolicy([{ name: 'mfa', state: 'enabled', at: ['refresh'], then: { require_mfa: true } }]);
      const error = await account.getAccessToken({ forceRefresh: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BatonSdkError);
      expect(error).toMatchObject({ code: 'interaction_required', serverError: 'interaction_required' });
      expect(await storedSession(store)).not.toBeNull();
      await setPolicy([]);
    });
  });

  it('keeps the session when the server cannot be reached', async () => {
    let offline = false;
    const { client, clock, store } = setup({
      fetch: (url, init) => (offline ? Promise.reject(new TypeError('fetch failed')) : globalThis.fetch(url, init)),
    });
    const account = await signedIn(client);
    clock.advance(t.app.accessTokenTtl * 1000);
    offline = true;
    await expect(account.getAccessToken()).rejects.toMatchObject({ code: 'network' });
    offline = false;
    expect(await storedSession(store)).not.toBeNull();
    expect(await account.getAccessToken()).toEqual(expect.any(String));
  });

  it('reports session_ended and forgets the tokens when the server has revoked the session', async () => {
    const { client, store } = setup();
    const account = await signedIn(client);
    await t.services.sessions.revoke(account.claims.sessionId!, 'test');
    const error = await account.getAccessToken({ forceRefresh: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatonSdkError);
    expect(error).toMatchObject({ code: 'session_ended', serverError: 'invalid_grant' });
    expect(await storedSession(store)).toBeNull();
    expect(account.signedOut).toBe(true);
    expect(await client.getAccount()).toBeNull();
  });

  it('adds the access token to requests with account.fetch (Bearer for a phone session)', async () => {
    const { client } = setup();
    const account = await signedIn(client);
    const response = await account.fetch(`${t.base}/oidc/userinfo`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sub: t.user.id, email: t.user.email });
  });

  it('signs out locally: the tokens are gone here, the server session stays', async () => {
    const { client, store } = setup();
    const account = await signedIn(client);
    const refreshToken = (await storedSession(store)).refreshToken;
    await account.signOut();
    expect(await storedSession(store)).toBeNull();
    expect(await client.getAccount()).toBeNull();
    await expect(account.getAccessToken()).rejects.toMatchObject({ code: 'session_ended' });
    expect((await sessionRow(account.claims.sessionId))?.revokedAt).toBeNull();
    expect((await rawRefresh(refreshToken, store)).status).toBe(200);
  });

  it('signs out with revoke: the server session is revoked too', async () => {
    const { client, store, recorder } = setup();
    const account = await signedIn(client);
    const refreshToken = (await storedSession(store)).refreshToken;
    await account.signOut({ revoke: true });
    expect(recorder.requests.at(-1)?.url).toBe(`${t.base}/oauth2/v2.0/revoke`);
    expect(await storedSession(store)).toBeNull();
    expect((await sessionRow(account.claims.sessionId))?.revokedAt).toEqual(expect.any(Number));
    const refused = await rawRefresh(refreshToken, store);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
  });
});
