import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/core/model.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { type Account, BatonSdkError, Companion, MemoryStore, memoryTransportPair } from '../src/index.js';
import { expectKind, sdkClient } from './support.js';

const withAccountScope = ['openid', 'profile', 'offline_access', 'baton.account'];

/** The error a call threw, for its code and details. */
async function refusal(call: Promise<unknown>): Promise<BatonSdkError> {
  const error = await call.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BatonSdkError);
  return error as BatonSdkError;
}

describe("the signed-in user's devices through the SDK, against a real Baton", () => {
  let t: TestServer;
  let phoneApp: App;
  let watchApp: App;
  beforeAll(async () => {
    t = await startTestServer();
    phoneApp = (await t.registerApp({ name: 'Phone app', allowSessionTransfer: true })).app;
    watchApp = (await t.registerApp({ name: 'Watch app', acceptSessionTransfer: true })).app;
  });
  afterAll(async () => {
    await t?.close();
  });

  const signIn = async (scopes = withAccountScope) =>
    expectKind(
      await sdkClient(t, { app: phoneApp, scopes }).signIn({ username: t.user.email, password: t.userPassword }),
      'signed_in',
    ).account;

  /** The phone hands off to a new watch over the in-memory transport; the watch's account. */
  async function pairWatch(phone: Account): Promise<Account> {
    const [phoneSide, watchSide] = memoryTransportPair();
    let shown = '';
    const watch = new Companion({
      baseUrl: t.base,
      clientId: watchApp.clientId,
      store: new MemoryStore(),
      platform: { device: { name: "Ada's watch", platform: 'watchOS 11' } },
    });
    const [watchAccount] = await Promise.all([
      watch.pair(watchSide, { onPairingCode: (code) => (shown = code) }),
      phone.handOff(phoneSide, { audience: watchApp.clientId, confirm: ({ code }) => code === shown }),
    ]);
    return watchAccount;
  }

  it('lists the device graph, typed, this session current and the watch below it', async () => {
    const phone = await signIn();
    const watch = await pairWatch(phone);
    const devices = await phone.devices();
    const mine = devices.find((d) => d.current);
    expect(mine).toMatchObject({
      id: phone.claims.sessionId,
      parentId: null,
      app: { clientId: phoneApp.clientId, name: 'Phone app' },
      device: { name: 'Test phone', platform: 'vitest', kind: 'primary' },
      status: 'active',
      revokedAt: null,
    });
    expect(mine?.lastUsedAt).toBeInstanceOf(Date);
    expect(devices.find((d) => d.id === watch.claims.sessionId)).toMatchObject({
      parentId: phone.claims.sessionId,
      device: { name: "Ada's watch", kind: 'companion' },
      current: false,
    });
  });

  it('revokes the watch: it can no longer refresh (session_ended), the phone goes on', async () => {
    const phone = await signIn();
    const watch = await pairWatch(phone);
    expect(await phone.revoke(watch.claims.sessionId!)).toEqual([watch.claims.sessionId]);
    expect((await refusal(watch.getAccessToken({ forceRefresh: true }))).code).toBe('session_ended');
    expect(await phone.getAccessToken({ forceRefresh: true })).toEqual(expect.any(String));
  });

  it('says not_found for a session that is not the user’s, insufficient_scope without baton.account', async () => {
    const phone = await signIn();
    expect(await refusal(phone.revoke('no-such-session'))).toMatchObject({ code: 'not_found', status: 404 });
    const plain = await signIn(['openid', 'profile', 'offline_access']);
    expect(await refusal(plain.devices())).toMatchObject({ code: 'insufficient_scope', status: 403 });
  });

  it('signs out the other devices, keeps this one and its watch, and lists the sign-ins', async () => {
    const laptop = await signIn();
    const phone = await signIn();
    const watch = await pairWatch(phone);
    const { revoked, kept } = await phone.revokeOthers();
    expect(revoked).toContain(laptop.claims.sessionId);
    expect(kept).toEqual(expect.arrayContaining([phone.claims.sessionId, watch.claims.sessionId]));
    expect(await watch.getAccessToken({ forceRefresh: true })).toEqual(expect.any(String));

    const [latest] = await phone.activity(1);
    expect(latest).toEqual({
      at: expect.any(Date),
      kind: 'session_transfer',
      sessionId: watch.claims.sessionId,
      app: { clientId: watchApp.clientId, name: 'Watch app' },
      device: expect.objectContaining({ name: "Ada's watch" }),
      place: { ip: '127.0.0.1' },
    });
  });

  it('refreshes once when the token is refused, and says session_ended when the session itself was revoked', async () => {
    const phone = await signIn();
    const other = await signIn();
    await other.revoke(phone.claims.sessionId!);
    expect((await refusal(phone.devices())).code).toBe('session_ended');
  });
});
