import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

async function valuesOf(name: string, events: string[]) {
  const metrics = createMetrics();
  for (const event of events) metrics.telemetry.count(event);
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return Object.fromEntries(
    (metric?.values ?? []).map((value) => [Object.values(value.labels).join(','), value.value]),
  );
}

describe('createMetrics', () => {
  it('counts session transfers issued, redeemed and replayed', async () => {
    const events = ['session_transfer.issued', 'session_transfer.issued', 'session_transfer.redeemed'];
    expect(await valuesOf('baton_session_transfers_total', [...events, 'session_transfer.replayed'])).toEqual({
      issued: 2,
      redeemed: 1,
      replayed: 1,
    });
  });

  it('counts a lockout as a sign-in outcome', async () => {
    expect(await valuesOf('baton_sign_ins_total', ['sign_in.failed', 'account.locked'])).toEqual({
      failed: 1,
      locked: 1,
    });
  });

  it('counts every audited event by type, but not the unaudited rotations', async () => {
    const events = ['user.deleted', 'refresh_token.rotated', 'refresh_token.retried', 'refresh_token.reuse_detected'];
    expect(await valuesOf('baton_audit_events_total', events)).toEqual({
      'user.deleted': 1,
      'refresh_token.reuse_detected': 1,
    });
  });

  it('keeps each runtime in a registry of its own', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.telemetry.count('sign_in.succeeded');
    expect((await second.registry.getSingleMetric('baton_sign_ins_total')?.get())?.values).toEqual([]);
  });
});
