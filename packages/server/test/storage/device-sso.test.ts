import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { aDevice, aSession, aToken, openedSession, storedUser, t0, useStore } from './store.js';

/** The session repository's Native SSO promises: a device's secret, and revoking the device as one sign-in. */
describe.each(engines)('Native SSO devices in the session repository on %s', (engine) => {
  const store = useStore(engine);

  /** A device with a secret, two apps' sessions on it, a companion's session under one of them, and another device. */
  async function ssoDevice() {
    const { repos } = store();
    const user = await storedUser(repos);
    const mail = await openedSession(repos, user, { clientId: 'mail' });
    const deviceId = mail.session.deviceId;
    expect(await repos.sessions.setDeviceSecret(mail.session.id, 'secret-digest')).toBe(true);
    const calendar = await openedSession(repos, user, { clientId: 'calendar' }, deviceId);
    const watch = await openedSession(repos, user, { clientId: 'watch', parentId: calendar.session.id });
    const elsewhere = await openedSession(repos, user, { clientId: 'mail' });
    return {
      repos,
      user,
      deviceId,
      ids: {
        mail: mail.session.id,
        calendar: calendar.session.id,
        watch: watch.session.id,
        elsewhere: elsewhere.session.id,
      },
    };
  }

  it("keeps the secret's digest on the device, replaces it, and gives none to a revoked session's device", async () => {
    const { repos, deviceId, ids } = await ssoDevice();
    expect(await repos.sessions.findDevice(deviceId)).toMatchObject({ id: deviceId, ssoSecretDigest: 'secret-digest' });
    expect(await repos.sessions.setDeviceSecret(ids.calendar, 'rotated')).toBe(true);
    expect((await repos.sessions.findDevice(deviceId))?.ssoSecretDigest).toBe('rotated');
    const revoked = await repos.sessions.find(ids.elsewhere);
    await repos.sessions.revokeTree(revoked!.id, 'signed_out', t0 + 1);
    expect(await repos.sessions.setDeviceSecret(ids.elsewhere, 'late')).toBe(false);
    expect((await repos.sessions.findDevice(revoked!.deviceId))?.ssoSecretDigest).toBeNull();
    expect(await repos.sessions.findDevice('no-such-device')).toBeNull();
  });

  it('opens a session on the device only while it holds the secret named', async () => {
    const { repos, user, deviceId } = await ssoDevice();
    const wrong = aSession(user, deviceId);
    expect(await repos.sessions.open(null, wrong, aToken(wrong), { deviceSecretDigest: 'other' })).toBe(false);
    expect(await repos.sessions.find(wrong.id)).toBeNull();
    const right = aSession(user, deviceId);
    expect(await repos.sessions.open(null, right, aToken(right), { deviceSecretDigest: 'secret-digest' })).toBe(true);
  });

  it("revoking any session of the device revokes its secret and every app's session on it, with their descendants", async () => {
    const { repos, deviceId, ids } = await ssoDevice();
    const revoked = await repos.sessions.revokeTree(ids.mail, 'signed_out', t0 + 5);
    expect(revoked.sort()).toEqual([ids.mail, ids.calendar, ids.watch].sort());
    expect(await repos.sessions.find(ids.elsewhere)).toMatchObject({ revokedAt: null });
    expect((await repos.sessions.findDevice(deviceId))?.ssoSecretDigest).toBeNull();
  });

  it("revoking the user's sessions revokes the secrets of the user's devices", async () => {
    const { repos, user, deviceId } = await ssoDevice();
    await repos.sessions.revokeUser(user.tenantId, user.id, 'revoked_by_admin', t0 + 5);
    expect((await repos.sessions.findDevice(deviceId))?.ssoSecretDigest).toBeNull();
  });

  it('leaves no live session on a device whose revocation raced sessions being opened on it', async () => {
    const { repos } = store();
    const user = await storedUser(repos);
    for (let round = 0; round < 10; round += 1) {
      const first = await openedSession(repos, user);
      await repos.sessions.setDeviceSecret(first.session.id, `digest-${round}`);
      const siblings = Array.from({ length: 4 }, () => aSession(user, first.session.deviceId));
      await Promise.all([
        ...siblings.map((s) => repos.sessions.open(null, s, aToken(s), { deviceSecretDigest: `digest-${round}` })),
        repos.sessions.revokeTree(first.session.id, 'signed_out', t0 + 1),
      ]);
      for (const sibling of siblings) {
        const stored = await repos.sessions.find(sibling.id);
        expect(stored === null || stored.revokedAt !== null, `round ${round}: a live session on a revoked device`).toBe(
          true,
        );
      }
    }
  });

  it('a device without a secret keeps the old rule: revoking one session leaves the others on it', async () => {
    const { repos } = store();
    const user = await storedUser(repos);
    const device = aDevice(user);
    const first = aSession(user, device.id);
    await repos.sessions.open(device, first, aToken(first));
    const second = await openedSession(repos, user, {}, device.id);
    expect(await repos.sessions.revokeTree(first.id, 'signed_out', t0 + 1)).toEqual([first.id]);
    expect(await repos.sessions.find(second.session.id)).toMatchObject({ revokedAt: null });
  });
});
