import type { LoadResult } from './load-spec.js';

/**
 * One row's result from its rounds (measured in turns): the requests and seconds of all of
 * them, so the rate is the whole run's; the median round's p50 and the worst round's p99
 * (rounds keep no single list of latencies); CPU weighted by each round's time; the bytes
 * written, all of them.
 */
export function combinedRounds(rounds: LoadResult[]): LoadResult {
  const sum = (pick: (r: LoadResult) => number) => rounds.reduce((total, r) => total + pick(r), 0);
  const seconds = sum((r) => r.seconds);
  const ok = sum((r) => r.ok);
  const cpu = (pick: (c: LoadResult['cpu']) => number) => sum((r) => pick(r.cpu) * r.seconds) / seconds;
  const p50s = rounds.map((r) => r.p50).sort((a, b) => a - b);
  const firstFailure = rounds.find((r) => r.firstFailure)?.firstFailure;
  return {
    ok,
    rps: ok / seconds,
    seconds,
    failed: sum((r) => r.failed),
    written: sum((r) => r.written),
    errors: sum((r) => r.errors),
    p50: p50s[Math.floor((p50s.length - 1) / 2)]!,
    p99: Math.max(...rounds.map((r) => r.p99)),
    cpu: { server: cpu((c) => c.server), loader: cpu((c) => c.loader), others: cpu((c) => c.others) },
    ...(firstFailure ? { firstFailure } : {}),
    ...(rounds.at(-1)?.tokens ? { tokens: rounds.at(-1)!.tokens } : {}),
  };
}
