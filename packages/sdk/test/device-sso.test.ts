import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/core/model.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { SharedDeviceFile } from '../src/node.js';
import { expectKind, recordingFetch, sdkClient } from './support.js';

/** Native SSO with the SDK: apps of one group, each with its own store, share the device's sign-in through one encrypted file. */
describe('signInWithDeviceSso (OpenID Connect Native SSO)', () => {
  let t: TestServer;
  let mail: App;
  let calendar: App;
  let game: App;
  beforeAll(async () => {
    t = await startTestServer({ manualClock: true });
    mail = (await t.registerApp({ name: 'Mail', ssoGroup: 'acme-suite' })).app;
    calendar = (await t.registerApp({ name: 'Calendar', ssoGroup: 'acme-suite' })).app;
    game = (await t.registerApp({ name: 'Game', ssoGroup: 'other-suite' })).app;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A group's shared directory; each app opens its own SharedDeviceFile over it, as separate processes would. */
  const sharedDirectory = () => mkdtempSync(join(tmpdir(), 'baton-device-sso-'));
  const signIn = async (app: App, directory: string) =>
    expectKind(
      await sdkClient(t, { app, sharedDevice: new SharedDeviceFile({ directory }) }).signIn({
        username: t.user.email,
        password: t.userPassword,
      }),
      'signed_in',
    ).account;

  it("signs a sibling app in without a prompt: a session of its own on the device of the first app's sign-in", async () => {
    const directory = sharedDirectory();
    const mailAccount = await signIn(mail, directory);
    const stored = await new SharedDeviceFile({ directory }).read();
    expect(stored).toEqual({ idToken: mailAccount.idToken, deviceSecret: expect.any(String) });
    // The file holds nothing in the clear.
    expect(await readFile(join(directory, 'device-sso.enc'), 'utf8')).not.toContain(stored!.deviceSecret);

    const calendarAccount = await sdkClient(t, {
      app: calendar,
      sharedDevice: new SharedDeviceFile({ directory }),
    }).signInWithDeviceSso();
    expect(calendarAccount.username).toBe(t.user.email);
    const mailSession = await t.services.sessions.find(mailAccount.claims.sessionId!);
    const calendarSession = await t.services.sessions.find(calendarAccount.claims.sessionId!);
    expect(calendarSession).toMatchObject({ clientId: calendar.clientId, deviceId: mailSession!.deviceId });
    expect(decodeJwt(calendarAccount.idToken).aud).toBe(calendar.clientId);
    // The pair in the file is now the calendar's ID token with the same secret.
    expect(await new SharedDeviceFile({ directory }).read()).toEqual({
      idToken: calendarAccount.idToken,
      deviceSecret: stored!.deviceSecret,
    });
  });

  it('presents the shared secret on refresh, so the group keeps it', async () => {
    const directory = sharedDirectory();
    const recorder = recordingFetch();
    const account = expectKind(
      await sdkClient(t, {
        app: mail,
        fetch: recorder.fetch,
        now: () => t.clock.now(),
        sharedDevice: new SharedDeviceFile({ directory }),
      }).signIn({ username: t.user.email, password: t.userPassword }),
      'signed_in',
    ).account;
    const before = await new SharedDeviceFile({ directory }).read();
    await account.getAccessToken({ forceRefresh: true });
    const [refresh] = recorder.grants('refresh_token');
    expect(refresh!.params.get('device_secret')).toBe(before!.deviceSecret);
    const after = await new SharedDeviceFile({ directory }).read();
    expect(after!.deviceSecret).toBe(before!.deviceSecret);
    expect(after!.idToken).not.toBe(before!.idToken);
  });

  it('is no_account when no app of the group signed in here, and session_ended for another group or a revoked device', async () => {
    const directory = sharedDirectory();
    const calendarClient = sdkClient(t, { app: calendar, sharedDevice: new SharedDeviceFile({ directory }) });
    await expect(calendarClient.signInWithDeviceSso()).rejects.toMatchObject({ code: 'no_account' });

    const mailAccount = await signIn(mail, directory);
    const gameClient = sdkClient(t, { app: game, sharedDevice: new SharedDeviceFile({ directory }) });
    await expect(gameClient.signInWithDeviceSso()).rejects.toMatchObject({ code: 'session_ended' });

    await mailAccount.signOut({ revoke: true });
    // Revoking ended the device's sign-in for the whole group, and the shared pair went with it.
    expect(await new SharedDeviceFile({ directory }).read()).toBeNull();
    await expect(calendarClient.signInWithDeviceSso()).rejects.toMatchObject({ code: 'no_account' });
  });

  it("a sibling's session ends with the device: revoking the first app's session ends the sibling's at its next refresh", async () => {
    const directory = sharedDirectory();
    const mailAccount = await signIn(mail, directory);
    const calendarAccount = await sdkClient(t, {
      app: calendar,
      sharedDevice: new SharedDeviceFile({ directory }),
    }).signInWithDeviceSso();
    await t.services.sessions.revoke(mailAccount.claims.sessionId!, 'test');
    await expect(calendarAccount.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({
      code: 'session_ended',
    });
  });
});
