import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/core/model.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { type Account, type DeviceCode, DeviceSignIn, MemoryStore } from '../src/index.js';
import { expectKind, sdkClient } from './support.js';

/** The device side (`DeviceSignIn`) and the phone side (`account.approveDevice`) against a real Baton. */
describe('device sign-in approved from the phone, against a real Baton', { timeout: 30_000 }, () => {
  let t: TestServer;
  let phoneApp: App;
  let tvApp: App;
  beforeAll(async () => {
    // The TV waits the interval with real timers: the shortest BATON_DEVICE_CODE_INTERVAL allows.
    t = await startTestServer({ config: { deviceCodeInterval: 1 } });
    phoneApp = (await t.registerApp({ name: 'Phone app', allowSessionTransfer: true })).app;
    tvApp = (await t.registerApp({ name: 'TV app', deviceCode: true })).app;
  });
  afterAll(async () => {
    await t?.close();
  });

  const phone = async (): Promise<Account> =>
    expectKind(
      await sdkClient(t, { app: phoneApp }).signIn({ username: t.user.email, password: t.userPassword }),
      'signed_in',
    ).account;
  const tv = () =>
    new DeviceSignIn({
      baseUrl: t.base,
      clientId: tvApp.clientId,
      store: new MemoryStore(),
      platform: { device: { name: 'Living-room TV', platform: 'tvOS' } },
    });

  it('shows the code, polls while the phone approves, and ends signed in below the phone, DPoP-bound', async () => {
    const account = await phone();
    let shown: DeviceCode | undefined;
    let decision: ReturnType<Account['approveDevice']> | undefined;
    const signedIn = await tv().signIn({
      onCode: (code) => {
        shown = code;
        decision = account.approveDevice(code.userCode);
      },
    });
    expect(shown).toMatchObject({
      userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
      verificationUri: `${t.base}/device`,
      verificationUriComplete: `${t.base}/device?user_code=${shown!.userCode}`,
    });
    expect(await decision).toEqual({
      approved: true,
      clientId: tvApp.clientId,
      app: 'TV app',
      device: { name: 'Living-room TV', platform: 'tvOS' },
    });
    expect(signedIn.dpopBound).toBe(true);
    const session = await t.services.sessions.find(decodeJwt(signedIn.idToken).sid as string);
    expect(session?.parentId).toBe(decodeJwt(account.idToken).sid);
    expect(await signedIn.getAccessToken({ forceRefresh: true })).toEqual(expect.any(String));
  });

  it('throws access_denied when the phone denies', async () => {
    const account = await phone();
    const signIn = tv().signIn({
      onCode: async (code) => {
        expect((await account.approveDevice(code.userCode, { approve: false })).approved).toBe(false);
      },
    });
    await expect(signIn).rejects.toMatchObject({ code: 'access_denied' });
  });

  it('stops polling when aborted, and refuses a code that names no device on the phone side', async () => {
    const account = await phone();
    const controller = new AbortController();
    const signIn = tv().signIn({ onCode: () => controller.abort(), signal: controller.signal });
    await expect(signIn).rejects.toMatchObject({ code: 'cancelled' });
    await expect(account.approveDevice('BCDF-GHJK')).rejects.toMatchObject({ serverError: 'invalid_grant' });
  });
});
