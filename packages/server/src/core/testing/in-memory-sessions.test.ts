import { describe, expect, it } from 'vitest';
import type { Device, RefreshTokenRecord, Session } from '../model.js';
import { inMemoryRepositories } from './in-memory-repositories.js';

const t0 = Date.UTC(2026, 0, 1);

const aDevice = (id: string): Device => ({
  id,
  tenantId: 't1',
  userId: 'u1',
  name: 'Phone',
  platform: 'ios',
  kind: 'primary',
  installationId: null,
  createdAt: t0,
});
const aSession = (id: string, parentId: string | null = null): Session => ({
  id,
  tenantId: 't1',
  userId: 'u1',
  clientId: 'c1',
  deviceId: `device-${id}`,
  parentId,
  authTime: t0,
  amr: ['pwd'],
  createdAt: t0,
  lastUsedAt: t0,
  idleTtl: 3600,
  absoluteExpiresAt: t0 + 86_400_000,
  revokedAt: null,
  revokedReason: null,
});
const aToken = (digest: string, sessionId: string): RefreshTokenRecord => ({
  digest,
  sessionId,
  tenantId: 't1',
  clientId: 'c1',
  generation: 0,
  scope: 'openid',
  dpopJkt: null,
  issuedAt: t0,
  expiresAt: t0 + 3_600_000,
  consumedAt: null,
});

/** The in-memory session repository keeps the port's promises, as the SQL conformance suite checks them. */
describe('in-memory sessions', () => {
  async function opened(ids: Array<[string, string | null]>) {
    const repos = inMemoryRepositories();
    for (const [id, parentId] of ids)
      expect(await repos.sessions.open(aDevice(`device-${id}`), aSession(id, parentId), aToken(`rt-${id}`, id))).toBe(
        true,
      );
    return repos;
  }

  it('writes nothing of an open that fails on a taken key', async () => {
    const repos = await opened([['s1', null]]);
    await expect(repos.sessions.open(aDevice('device-s2'), aSession('s2'), aToken('rt-s1', 's2'))).rejects.toThrow();
    expect(await repos.sessions.find('s2')).toBeNull();
    expect(repos.db.devices.get('device-s2')).toBeNull();
  });

  it('refuses a child of a revoked or unknown parent', async () => {
    const repos = await opened([['s1', null]]);
    await repos.sessions.revokeTree('s1', 'signed_out', t0);
    expect(await repos.sessions.open(aDevice('device-s2'), aSession('s2', 's1'), aToken('rt-s2', 's2'))).toBe(false);
    expect(await repos.sessions.open(aDevice('device-s3'), aSession('s3', 'nobody'), aToken('rt-s3', 's3'))).toBe(
      false,
    );
  });

  it('rotates a token for exactly one of racing callers, storing one successor and touching the session', async () => {
    const repos = await opened([['s1', null]]);
    const successor = { ...aToken('rt-s1-next', 's1'), generation: 1 };
    const results = await Promise.all([1, 2, 3].map(() => repos.sessions.rotate('rt-s1', successor, t0 + 5)));
    expect(results.filter((result) => result.rotated)).toHaveLength(1);
    expect((await repos.sessions.findRefreshToken('rt-s1'))?.token.consumedAt).toBe(t0 + 5);
    expect((await repos.sessions.findRefreshToken('rt-s1-next'))?.session.lastUsedAt).toBe(t0 + 5);
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

  it('hands out copies: changing what was read changes nothing stored', async () => {
    const repos = await opened([['s1', null]]);
    const session = (await repos.sessions.find('s1'))!;
    session.amr.push('mfa');
    expect((await repos.sessions.find('s1'))?.amr).toEqual(['pwd']);
  });
});
