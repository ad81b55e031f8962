import { describe, expect, it } from 'vitest';
import type { User } from '../../src/core/model.js';
import { inMemoryRepositories } from '../../src/core/testing/in-memory-repositories.js';
import { aDevice, aSession, aToken, aUser, presentedAs, t0 } from './store.js';

/**
 * The in-memory session repository the domain tests run on keeps the port's promises, as
 * this suite's SQL tests check them on both databases.
 */
describe('in-memory session repository', () => {
  const user: User = aUser('t1');

  /** Sessions opened in order, each named by its id and its parent's, on a device and with a token named after it. */
  async function opened(tree: Array<[string, string | null]>) {
    const repos = inMemoryRepositories();
    for (const [id, parentId] of tree) {
      const device = aDevice(user, { id: `device-${id}` });
      const session = aSession(user, device.id, { id, parentId });
      expect(await repos.sessions.open(device, session, aToken(session, { digest: `rt-${id}` }))).toBe(true);
    }
    return repos;
  }

  it('writes nothing of an open that fails on a taken key', async () => {
    const repos = await opened([['s1', null]]);
    const session = aSession(user, 'device-s2', { id: 's2' });
    // The first token of s1 takes its slot 0.
    const taken = aToken({ ...session, id: 's1' });
    await expect(repos.sessions.open(aDevice(user, { id: 'device-s2' }), session, taken)).rejects.toThrow();
    expect(await repos.sessions.find('s2')).toBeNull();
    expect(repos.db.devices.get('device-s2')).toBeNull();
  });

  it('refuses a child of a revoked or unknown parent', async () => {
    const repos = await opened([['s1', null]]);
    await repos.sessions.revokeTree('s1', 'signed_out', t0);
    for (const parentId of ['s1', 'nobody']) {
      const child = aSession(user, 'device-child', { parentId });
      expect(await repos.sessions.open(aDevice(user, { id: 'device-child' }), child, aToken(child))).toBe(false);
    }
    expect(repos.db.devices.get('device-child')).toBeNull();
  });

  it('rotates a token for exactly one of racing callers, storing one successor and touching the session', async () => {
    const repos = await opened([['s1', null]]);
    const session = (await repos.sessions.find('s1'))!;
    const presented = aToken(session, { digest: 'rt-s1' });
    const successor = aToken(session, { digest: 'rt-s1-next', generation: 1 });
    const results = await Promise.all(
      [1, 2, 3].map(() => repos.sessions.rotate(presentedAs(presented), successor, t0 + 5)),
    );
    expect(results.filter((result) => result.rotated)).toHaveLength(1);
    expect((await repos.sessions.findRefreshToken(presentedAs(presented)))?.token.consumedAt).toBe(t0 + 5);
    expect((await repos.sessions.findRefreshToken(presentedAs(successor)))?.session.lastUsedAt).toBe(t0 + 5);
  });

  it('keeps the current token and the one it replaced, as the SQL repositories do', async () => {
    const repos = await opened([['s1', null]]);
    const session = (await repos.sessions.find('s1'))!;
    const chain = ['rt-s1', 'rt-s1-1', 'rt-s1-2', 'rt-s1-3'].map((digest, generation) =>
      aToken(session, { digest, generation }),
    );
    for (let generation = 1; generation <= 3; generation++)
      await repos.sessions.rotate(presentedAs(chain[generation - 1]!), chain[generation]!, t0);
    expect(repos.db.sessionRefreshTokens.where().map((token) => token.digest)).toEqual(['rt-s1-2', 'rt-s1-3']);
    expect(repos.db.refreshTokens.where()).toEqual([]);
  });

  it('revokes a tree through revoked branches, answering only the sessions it revoked now', async () => {
    const repos = await opened([
      ['root', null],
      ['child', 'root'],
      ['grandchild', 'child'],
      ['other', null],
    ]);
    expect(await repos.sessions.revokeTree('child', 'signed_out', t0 + 1)).toEqual(['child', 'grandchild']);
    expect(await repos.sessions.revokeTree('root', 'refresh_token_reuse', t0 + 2)).toEqual(['root']);
    expect(await repos.sessions.find('grandchild')).toMatchObject({ revokedAt: t0 + 1, revokedReason: 'signed_out' });
    expect((await repos.sessions.find('other'))?.revokedAt).toBeNull();
  });

  it("keeps the Native SSO promises: a session opens only on a device holding the secret named, and revoking one revokes the device's secret and every session on it", async () => {
    const repos = await opened([['mail', null]]);
    expect(await repos.sessions.setDeviceSecret('mail', 'digest')).toBe(true);
    const calendar = aSession(user, 'device-mail', { id: 'calendar' });
    expect(await repos.sessions.open(null, calendar, aToken(calendar), { deviceSecretDigest: 'other' })).toBe(false);
    expect(await repos.sessions.open(null, calendar, aToken(calendar), { deviceSecretDigest: 'digest' })).toBe(true);
    expect((await repos.sessions.revokeTree('calendar', 'signed_out', t0 + 1)).sort()).toEqual(['calendar', 'mail']);
    expect((await repos.sessions.findDevice('device-mail'))?.ssoSecretDigest).toBeNull();
    expect(await repos.sessions.setDeviceSecret('mail', 'again')).toBe(false);
  });

  it('hands out copies: changing what was read changes nothing stored', async () => {
    const repos = await opened([['s1', null]]);
    const session = (await repos.sessions.find('s1'))!;
    session.amr.push('mfa');
    expect((await repos.sessions.find('s1'))?.amr).toEqual(['pwd']);
  });
});
