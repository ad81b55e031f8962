import { describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { ExpiredRecords, retentionPolicy } from './expired-records.js';

/** A repository holding `count` expired records, recording each call. */
function expiredStore(count: number) {
  const calls: Array<{ before: number; limit: number }> = [];
  let left = count;
  return {
    calls,
    left: () => left,
    async deleteExpired(before: number, limit: number) {
      calls.push({ before, limit });
      const deleted = Math.min(left, limit);
      left -= deleted;
      return deleted;
    },
  };
}

describe('ExpiredRecords', () => {
  const clock = fixedClock(Date.UTC(2026, 5, 1));

  it('deletes what expired more than a day ago, batch after batch until a batch comes back short', async () => {
    const store = expiredStore(retentionPolicy.batch * 2 + 7);
    expect(await new ExpiredRecords(store, clock).sweep()).toBe(retentionPolicy.batch * 2 + 7);
    expect(store.calls).toHaveLength(3);
    expect(
      store.calls.every((c) => c.before === clock.now() - 24 * 3600 * 1000 && c.limit === retentionPolicy.batch),
    ).toBe(true);
  });

  it('stops a sweep after its maximum; the next sweep goes on', async () => {
    const store = expiredStore(retentionPolicy.maxPerSweep * 2);
    const records = new ExpiredRecords(store, clock);
    expect(await records.sweep()).toBe(retentionPolicy.maxPerSweep);
    expect(store.left()).toBe(retentionPolicy.maxPerSweep);
    expect(await records.sweep()).toBe(retentionPolicy.maxPerSweep);
  });
});
