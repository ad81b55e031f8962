import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { anEvent, t0, useStore } from './store.js';

describe.each(engines)('audit repository on %s', (engine) => {
  const store = useStore(engine);

  it('lists events newest first, with every field as recorded', async () => {
    const { audit } = store().repos;
    const first = anEvent('tenant-a', { type: 'session.revoked', createdAt: t0 + 1 });
    const second = anEvent('tenant-a', {
      type: 'sign_in.succeeded',
      userId: 'u1',
      clientId: 'c1',
      sessionId: 's1',
      ip: '127.0.0.1',
      userAgent: 'test',
      correlationId: 'corr',
      data: { amr: ['pwd'], nested: { ok: true } },
      createdAt: t0 + 2,
    });
    await audit.record(first);
    await audit.record(second);
    const listed = await audit.list({ tenantId: 'tenant-a' });
    expect(listed.map(({ id, ...event }) => event)).toEqual([second, first]);
    expect(listed[0]!.id).toBeGreaterThan(listed[1]!.id);
  });

  it('stores absent optional fields as null and absent data as an empty object', async () => {
    const { audit } = store().repos;
    await audit.record({ tenantId: 'tenant-b', type: 'key.rotated', createdAt: t0 });
    expect(await audit.list({ tenantId: 'tenant-b' })).toEqual([
      {
        id: expect.any(Number),
        tenantId: 'tenant-b',
        type: 'key.rotated',
        userId: null,
        clientId: null,
        sessionId: null,
        ip: null,
        userAgent: null,
        correlationId: null,
        data: {},
        createdAt: t0,
      },
    ]);
  });

  it('filters by tenant, type (or one of several) and user, and honours the limit', async () => {
    const { audit } = store().repos;
    const events = [
      anEvent('tenant-c', { type: 'sign_in.failed', userId: 'u1' }),
      anEvent('tenant-c', { type: 'sign_in.succeeded', userId: 'u1' }),
      anEvent('tenant-c', { type: 'sign_in.failed', userId: 'u2' }),
      anEvent('tenant-d', { type: 'sign_in.failed', userId: 'u1' }),
    ];
    for (const event of events) await audit.record(event);
    const pick = async (filter: { type?: string; types?: string[]; userId?: string; limit?: number }) =>
      (await audit.list({ tenantId: 'tenant-c', ...filter })).map((e) => `${e.type}/${e.userId}`);
    expect(await pick({})).toEqual(['sign_in.failed/u2', 'sign_in.succeeded/u1', 'sign_in.failed/u1']);
    expect(await pick({ type: 'sign_in.failed' })).toEqual(['sign_in.failed/u2', 'sign_in.failed/u1']);
    expect(await pick({ userId: 'u1' })).toEqual(['sign_in.succeeded/u1', 'sign_in.failed/u1']);
    expect(await pick({ type: 'sign_in.failed', userId: 'u1' })).toEqual(['sign_in.failed/u1']);
    expect(await pick({ limit: 1 })).toEqual(['sign_in.failed/u2']);
    expect(await pick({ types: ['sign_in.succeeded', 'session.revoked'] })).toEqual(['sign_in.succeeded/u1']);
    expect(await pick({ types: ['sign_in.failed', 'sign_in.succeeded'], userId: 'u1' })).toEqual([
      'sign_in.succeeded/u1',
      'sign_in.failed/u1',
    ]);
    expect(await pick({ types: [] })).toEqual([]);
    expect(await audit.list({ tenantId: 'tenant-none' })).toEqual([]);
  });

  it('counts the events a filter names, as list selects them', async () => {
    const { audit } = store().repos;
    for (const [type, userId, offset] of [
      ['sign_in.failed', 'u1', 1],
      ['sign_in.failed', 'u1', 2],
      ['sign_in.succeeded', 'u1', 3],
      ['sign_in.failed', 'u2', 4],
    ] as const)
      await audit.record(anEvent('tenant-f', { type, userId, createdAt: t0 + offset }));
    expect(await audit.count({ tenantId: 'tenant-f' })).toBe(4);
    expect(await audit.count({ tenantId: 'tenant-f', type: 'sign_in.failed', userId: 'u1' })).toBe(2);
    expect(await audit.count({ tenantId: 'tenant-f', type: 'sign_in.failed', since: t0 + 2 })).toBe(2);
    expect(await audit.count({ tenantId: 'tenant-none' })).toBe(0);
  });

  it('filters by time (since inclusive, until exclusive) and continues after an event already seen', async () => {
    const { audit } = store().repos;
    for (const offset of [1, 2, 3, 4])
      await audit.record(anEvent('tenant-e', { type: `e${offset}`, createdAt: t0 + offset }));
    const pick = async (filter: { since?: number; until?: number; beforeId?: number; limit?: number }) =>
      (await audit.list({ tenantId: 'tenant-e', ...filter })).map((e) => e.type);
    expect(await pick({ since: t0 + 2, until: t0 + 4 })).toEqual(['e3', 'e2']);
    const [newest] = await audit.list({ tenantId: 'tenant-e', limit: 1 });
    expect(await pick({ beforeId: newest!.id, limit: 2 })).toEqual(['e3', 'e2']);
  });

  it('deletes the oldest events recorded before a time, of one tenant or of all, at most `limit` at once', async () => {
    const { audit } = store().repos;
    const [mine, theirs] = [`prune-${t0}-a-${engine}`, `prune-${t0}-b-${engine}`];
    for (const [tenantId, at] of [
      [mine, 1],
      [mine, 2],
      [mine, 3],
      [mine, 50],
      [theirs, 1],
      [theirs, 50],
    ] as const) {
      await audit.record(anEvent(tenantId, { type: `at.${at}`, createdAt: t0 - 100 + at }));
    }
    const types = async (tenantId: string) => (await audit.list({ tenantId })).map((e) => e.type).reverse();
    expect(await audit.deleteBefore(t0 - 60, 2, mine)).toBe(2);
    expect(await types(mine)).toEqual(['at.3', 'at.50']);
    expect(await types(theirs)).toEqual(['at.1', 'at.50']);
    expect(await audit.deleteBefore(t0 - 60, 100)).toBeGreaterThanOrEqual(2);
    expect(await types(mine)).toEqual(['at.50']);
    expect(await types(theirs)).toEqual(['at.50']);
  });
});
