import { turns, turnWarmupSeconds } from './duration.js';
import type { LoadResult } from './load-spec.js';

/** The rows with one server process against two (g): on SQLite the 1-worker rows are (a) and (d). */
export interface WorkerRows {
  sqlite: { refresh: LoadResult; signIns: LoadResult };
  postgres: { refresh: LoadResult; twoWorkersRefresh: LoadResult };
}

export interface Measurements {
  batonRefresh: LoadResult;
  /** (h): (a) again with a 20-rule policy in force (bench/lib/policy-document.ts). */
  policyRefresh: LoadResult;
  /** (h)'s evaluations of the policy and their time, as the server's metrics count them. */
  policyEvaluation: { count: number; seconds: number };
  batonDpopRefresh: LoadResult;
  peerRefresh: LoadResult;
  batonClientCredentials: LoadResult;
  peerClientCredentials: LoadResult;
  floor: LoadResult;
  /** Full runs of the same sign-in load: the target is held against their median. */
  signIns: LoadResult[];
  /** The argon2id reference, measured right after each sign-in run: the median one counts. */
  argon2: Array<{ hashesPerSecond: number; byConcurrency: Record<string, number>; others: number }>;
  /** (f): refresh on a database seeded with `sessions` sessions, and the file's size after the seed and after the run. */
  seeded: { refresh: LoadResult; sessions: number; seedSeconds: number; bytesAfterSeed: number; bytesAfterRun: number };
  workers: WorkerRows;
}

/** The targets of issue 2, point 9, of issue 15, and of issue 17. */
export const targets = {
  refreshVsPeer: 1.2,
  refreshVsFloor: 0.5,
  refreshP99Ms: 15,
  signInsVsArgon2: 0.8,
  dpopVsPlainRefresh: 0.75,
  seededVsEmptyRefresh: 0.9,
  /** Policy evaluation adds at most 5% to the refresh path. */
  policyVsPlainRefresh: 0.95,
  /** Held against the time per million sessions; a quick check's small seed reads slow per million, its fixed costs (the worker's start, the checkpoint) spread over few sessions. */
  seedSecondsPerMillion: 60,
} as const;

const num = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => num(value, 2);
const percent = (value: number) => `${num(value * 100, 1)}%`;
const verdict = (holds: boolean) => (holds ? 'HOLDS' : 'MISSED');
const signInRate = (r: LoadResult) => r.flows!.rps;
/** Microseconds of server CPU per answered request: steadier than the rate when the machine's speed drifts. */
const cpuPerRequest = (r: LoadResult) => (r.cpu.server * r.seconds * 1e6) / r.ok;

function row(label: string, rate: string, p50: number, p99: number, r: LoadResult): string {
  const trouble =
    r.failed + r.errors > 0
      ? ` (${r.failed} non-2xx, ${r.errors} errors${r.firstFailure ? `; first: ${r.firstFailure}` : ''})`
      : '';
  return `| ${label} | ${rate} | ${ms(p50)} | ${ms(p99)} | ${num(r.cpu.server * 100)}% | ${num(cpuPerRequest(r))} | ${num(r.written / r.ok / 1024, 1)} | ${num(r.cpu.others * 100)}% | ${r.failed + r.errors}${trouble} |`;
}
const requestRow = (label: string, r: LoadResult) => row(label, num(r.rps), r.p50, r.p99, r);
const signInRow = (label: string, r: LoadResult) =>
  row(label, `${num(signInRate(r), 1)} sign-ins/s`, r.flows!.p50, r.flows!.p99, r);

/** The run whose `rate` is the median (the lower middle one of an even count). */
function median<Run>(runs: Run[], rate: (run: Run) => number): Run {
  return [...runs].sort((a, b) => rate(a) - rate(b))[Math.floor((runs.length - 1) / 2)]!;
}

/** The results table, the ratios and the verdict on each target, as Markdown. */
export function formatReport(
  m: Measurements,
  setup: { connections: number; seconds: number; warmupSeconds: number },
): string {
  const signIns = median(m.signIns, signInRate);
  const signInRates = m.signIns.map(signInRate);
  const argon2 = median(m.argon2, (run) => run.hashesPerSecond);
  const { seeded, workers } = m;
  const sessions = num(seeded.sessions);
  const seedPerMillion = (seeded.seedSeconds / seeded.sessions) * 1e6;
  const ratios = {
    refreshVsPeer: m.batonRefresh.rps / m.peerRefresh.rps,
    refreshVsFloor: m.batonRefresh.rps / m.floor.rps,
    dpopVsPlainRefresh: m.batonDpopRefresh.rps / m.batonRefresh.rps,
    clientCredentialsVsPeer: m.batonClientCredentials.rps / m.peerClientCredentials.rps,
    signInsVsArgon2: signInRate(signIns) / argon2.hashesPerSecond,
    seededVsEmptyRefresh: seeded.refresh.rps / m.batonRefresh.rps,
    policyVsPlainRefresh: m.policyRefresh.rps / m.batonRefresh.rps,
  };
  const signInSpread = `${percent(Math.min(...signInRates) / argon2.hashesPerSecond)}-${percent(Math.max(...signInRates) / argon2.hashesPerSecond)}`;
  const argon2Detail = Object.entries(argon2.byConcurrency)
    .map(([c, rate]) => `${num(rate, 1)}/s at concurrency ${c}`)
    .join(', ');
  const twoWorkers = '(reported: the load generator shares core 1)';
  const policyMicroseconds = (m.policyEvaluation.seconds / m.policyEvaluation.count) * 1e6;
  return [
    `${setup.connections} connections, ${setup.warmupSeconds} s warm-up + ${setup.seconds} s measured per row; servers on core 0, autocannon on core 1. Baton runs with its metrics listener on, as in production.`,
    `(a), (e), (f) and (h), held against one another, are measured in turns: ${turns} rounds, each running every one of them for ${turnWarmupSeconds} s warm-up + ${num(setup.seconds / turns, 1)} s; a row is all its rounds together (its p50 the median round's, its p99 the worst round's).`,
    'The 2-worker rows (g) run the server on cores 0 and 1 (PostgreSQL with it): the load generator shares a core with the server there, so those rows are reported, not targeted.',
    '',
    '| Measurement | req/s | p50 ms | p99 ms | server CPU | CPU us/req | KiB written/req | other CPU | failures |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    requestRow('(a) Baton refresh, rotating (SQLite file, WAL)', m.batonRefresh),
    requestRow('(a) oidc-provider refresh, rotating (in-memory adapter)', m.peerRefresh),
    requestRow('(b) Baton client_credentials (JWT)', m.batonClientCredentials),
    requestRow('(b) oidc-provider client_credentials (JWT)', m.peerClientCredentials),
    requestRow('(c) floor: Fastify + 1 ES256 signature + 1 SQLite write', m.floor),
    signInRow(
      `(d) Baton password sign-ins, whole flows (3 requests each), median of ${m.signIns.length} runs (${signInRates.map((r) => num(r, 1)).join(', ')})`,
      signIns,
    ),
    `| (d) argon2id hashes, Baton's parameters, one core, median of ${m.argon2.length} runs (${m.argon2.map((run) => num(run.hashesPerSecond, 1)).join(', ')}), one after each sign-in run | ${num(argon2.hashesPerSecond, 1)} hashes/s | | | | | | ${num(argon2.others * 100)}% | ${argon2Detail} |`,
    requestRow('(e) Baton refresh, rotating, DPoP-bound (fresh ES256 proof each)', m.batonDpopRefresh),
    requestRow(`(f) Baton refresh, rotating, ${sessions} sessions already in the database (SQLite)`, seeded.refresh),
    requestRow('(g) Baton refresh, SQLite, 2 workers (cores 0-1)', workers.sqlite.refresh),
    signInRow('(g) Baton password sign-ins, SQLite, 2 workers (cores 0-1)', workers.sqlite.signIns),
    requestRow('(g) Baton refresh, PostgreSQL, 1 worker (Baton and PostgreSQL on core 0)', workers.postgres.refresh),
    requestRow('(g) Baton refresh, PostgreSQL, 2 workers (cores 0-1)', workers.postgres.twoWorkersRefresh),
    requestRow('(h) Baton refresh, (a) with a 20-rule conditional-access policy in force', m.policyRefresh),
    '',
    "Server CPU: share of one core the server used (all its processes: workers, and PostgreSQL on the PostgreSQL rows), and that CPU per answered request; KiB written/req: what the server's processes wrote to storage per answered request (/proc/PID/io write_bytes: the WAL and its checkpoints); other CPU: what every other process on the machine used meanwhile (near 0% means an undisturbed run).",
    `(h)'s policy inside the server (baton_policy_evaluation_seconds, warm-ups included): ${num(policyMicroseconds, 1)} us per refresh over ${num(m.policyEvaluation.count)} evaluations, ${percent(policyMicroseconds / cpuPerRequest(m.policyRefresh))} of (h)'s server CPU per request.`,
    `Sign-in requests (median run): ${num(signIns.rps)} req/s, p50 ${ms(signIns.p50)} ms, p99 ${ms(signIns.p99)} ms per request.`,
    `(f)'s database: ${sessions} sessions written straight into the file before the server started (a device, the session and two refresh-token rows each) in ${num(seeded.seedSeconds, 1)} s.`,
    "PostgreSQL rows: a throwaway cluster with the tests' settings (fsync, synchronous_commit and full_page_writes off: no disk syncs, as SQLite's NORMAL between checkpoints), pinned with Baton.",
    '',
    '| Ratio | value | target | verdict |',
    '| --- | ---: | ---: | --- |',
    `| Baton refresh / oidc-provider refresh | ${num(ratios.refreshVsPeer, 2)}x | >= ${targets.refreshVsPeer}x | ${verdict(ratios.refreshVsPeer >= targets.refreshVsPeer)} |`,
    `| Baton refresh / floor | ${percent(ratios.refreshVsFloor)} | >= ${targets.refreshVsFloor * 100}% | ${verdict(ratios.refreshVsFloor >= targets.refreshVsFloor)} |`,
    `| Baton refresh p99 at ${setup.connections} connections | ${ms(m.batonRefresh.p99)} ms | < ${targets.refreshP99Ms} ms | ${verdict(m.batonRefresh.p99 < targets.refreshP99Ms)} |`,
    `| Baton client_credentials / oidc-provider | ${num(ratios.clientCredentialsVsPeer, 2)}x | (reported) | |`,
    `| sign-ins/s / argon2id hashes/s, median of ${m.signIns.length} runs (spread ${signInSpread}) | ${percent(ratios.signInsVsArgon2)} | >= ${targets.signInsVsArgon2 * 100}% | ${verdict(ratios.signInsVsArgon2 >= targets.signInsVsArgon2)} |`,
    `| DPoP-bound refresh / plain refresh | ${num(ratios.dpopVsPlainRefresh, 2)}x | >= ${targets.dpopVsPlainRefresh}x | ${verdict(ratios.dpopVsPlainRefresh >= targets.dpopVsPlainRefresh)} |`,
    `| Baton refresh with ${sessions} sessions / empty database | ${percent(ratios.seededVsEmptyRefresh)} | >= ${targets.seededVsEmptyRefresh * 100}% | ${verdict(ratios.seededVsEmptyRefresh >= targets.seededVsEmptyRefresh)} |`,
    `| Baton refresh p99 with ${sessions} sessions | ${ms(seeded.refresh.p99)} ms | < ${targets.refreshP99Ms} ms | ${verdict(seeded.refresh.p99 < targets.refreshP99Ms)} |`,
    `| Seeding ${sessions} sessions (per million: ${num(seedPerMillion, 1)} s) | ${num(seeded.seedSeconds, 1)} s | < ${targets.seedSecondsPerMillion} s a million | ${verdict(seedPerMillion < targets.seedSecondsPerMillion)} |`,
    `| SQLite file per session, after the seed / after the run | ${num(seeded.bytesAfterSeed / seeded.sessions)} / ${num(seeded.bytesAfterRun / seeded.sessions)} bytes | (reported) | |`,
    `| Refresh with a 20-rule policy (h) / without (a) | ${num(ratios.policyVsPlainRefresh, 2)}x | >= ${targets.policyVsPlainRefresh}x | ${verdict(ratios.policyVsPlainRefresh >= targets.policyVsPlainRefresh)} |`,
    `| Refresh, SQLite: 2 workers / 1 worker (a) | ${num(workers.sqlite.refresh.rps / m.batonRefresh.rps, 2)}x | ${twoWorkers} | |`,
    `| Sign-ins, SQLite: 2 workers / 1 worker (d, median) | ${num(signInRate(workers.sqlite.signIns) / signInRate(signIns), 2)}x | ${twoWorkers} | |`,
    `| Refresh, PostgreSQL: 2 workers / 1 worker | ${num(workers.postgres.twoWorkersRefresh.rps / workers.postgres.refresh.rps, 2)}x | ${twoWorkers} | |`,
    `| Refresh, 1 worker: PostgreSQL / SQLite (a) | ${num(workers.postgres.refresh.rps / m.batonRefresh.rps, 2)}x | (reported) | |`,
  ].join('\n');
}
