import { describe, expect, it } from 'vitest';
import type { LoadResult } from './load-spec.js';
import { combinedRounds } from './rounds.js';

const round = (
  ok: number,
  seconds: number,
  p50: number,
  p99: number,
  server: number,
  extra: Partial<LoadResult> = {},
) =>
  ({
    ok,
    rps: ok / seconds,
    seconds,
    failed: 0,
    errors: 0,
    p50,
    p99,
    cpu: { server, loader: 0.5, others: 0 },
    written: ok * 10_000,
    ...extra,
  }) as LoadResult;

describe('a row measured in turns', () => {
  it('is the rate of all its rounds together, the median p50, the worst p99, the CPU weighted by time and the bytes written', () => {
    const joined = combinedRounds([
      round(3000, 4, 3, 8, 1),
      round(2000, 4, 4, 12, 0.5, { failed: 1, firstFailure: '500' }),
      round(4000, 2, 2, 6, 1, { tokens: ['last'] }),
    ]);
    expect(joined).toMatchObject({ ok: 9000, seconds: 10, rps: 900, p50: 3, p99: 12, failed: 1, firstFailure: '500' });
    expect(joined.written).toBe(90_000_000);
    expect(joined.cpu.server).toBeCloseTo(0.8);
    expect(joined.tokens).toEqual(['last']);
  });
});
