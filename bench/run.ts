/**
 * `npm run bench`: Baton against the certified `oidc-provider` and against the floor of
 * its own stack, Baton's DPoP-bound refresh against its plain one, its refresh with a
 * database already holding many sessions against an empty one, and one server process
 * against two, on SQLite and on PostgreSQL; on 127.0.0.1, each server pinned to core 0
 * (both cores with two workers) and autocannon to core 1.
 * `npm run bench -- --write` also puts the output into bench/RESULTS.md.
 * Options: --seconds N (measured run, default 12), --warmup N (default 3), --attempts N
 * (runs of a measurement other processes disturbed, default 3), --sessions N (sessions
 * seeded for the large-database row, default 1,000,000), --profile DIR (Baton's main
 * server writes a V8 CPU profile there: `node --cpu-prof`).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LoadResult, Scenario } from './lib/load-spec.js';
import { runLoad } from './lib/load.js';
import { waitForQuiet } from './lib/cpu.js';
import { assertPinningAvailable, bothCores, serverCore, spawnPinned } from './lib/pinned.js';
import {
  benchDuration,
  loadMeasurements,
  minutesAndSeconds,
  argon2Seconds,
  signInRuns,
  turns,
  turnWarmupSeconds,
} from './lib/duration.js';
import { combinedRounds } from './lib/rounds.js';
import { formatReport, type Measurements, type WorkerRows } from './lib/report.js';
import { twentyRulePolicy } from './lib/policy-document.js';
import { type BatonUnderTest, startBaton } from './servers/baton.js';
import { startBenchPostgres } from './servers/postgres.js';

const { values: flags } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '12' },
    warmup: { type: 'string', default: '3' },
    attempts: { type: 'string', default: '3' },
    sessions: { type: 'string', default: '1000000' },
    profile: { type: 'string' },
  },
});
const setup = {
  connections: 10,
  seconds: Number(flags.seconds),
  warmupSeconds: Number(flags.warmup),
  attempts: Number(flags.attempts),
  sessions: Number(flags.sessions),
};
if (!Number.isInteger(setup.sessions) || setup.sessions < 1)
  throw new Error(`--sessions is the number of sessions to seed, at least 1 (got "${flags.sessions}")`);
/**
 * Refresh-token lineages per server. A run that stops mid-request loses the successors
 * of the requests in flight (at most one per connection, twice per attempt with the
 * warm-up); the pool must outlast every attempt.
 */
const refreshLineages = 150;
/** CPU (in cores) other processes may use before a measurement counts as disturbed. */
const busyMachine = 0.1;
/** Where `--write` puts the run in bench/RESULTS.md. */
const [begin, end] = ['<!-- bench run: written by `npm run bench -- --write` -->', '<!-- end of bench run -->'];

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);
const tsxArgs = (file: string) => ['--import', 'tsx', join(import.meta.dirname, file)];

/**
 * Runs one measurement when other processes leave the cores alone; a run they disturbed
 * anyway (they used more than `busyMachine` cores meanwhile) is repeated, up to
 * `--attempts` runs, and the least disturbed one counts.
 */
async function measure(
  label: string,
  server: { url: string; pids: number[] },
  scenario: Scenario,
  timing: { warmupSeconds: number; seconds: number } = setup,
): Promise<LoadResult> {
  let best: LoadResult | undefined;
  for (let attempt = 1; attempt <= setup.attempts && !(best && best.cpu.others <= busyMachine); attempt += 1) {
    await quiet();
    progress(
      `${label} (${timing.warmupSeconds} s warm-up + ${timing.seconds} s)${attempt > 1 ? `, attempt ${attempt}` : ''}`,
    );
    const result = await runLoad({
      url: server.url,
      serverPids: server.pids,
      connections: setup.connections,
      warmupSeconds: timing.warmupSeconds,
      seconds: timing.seconds,
      scenario,
    });
    if (result.failed + result.errors > 0)
      progress(`  ${result.failed} non-2xx, ${result.errors} errors; first failure: ${result.firstFailure ?? 'n/a'}`);
    if (result.cpu.others > busyMachine)
      progress(`  other processes used ${result.cpu.others.toFixed(2)} cores meanwhile: disturbed`);
    if (!best || result.cpu.others < best.cpu.others) best = result;
    // a rotated token cannot be presented again: the next run goes on with the successors
    if (scenario.kind === 'refresh') scenario = { ...scenario, tokens: result.tokens ?? [] };
  }
  loads.push(best!);
  return best!;
}

interface RowInTurn {
  label: string;
  server: { url: string; pids: number[] };
  scenario: Scenario;
  /** What the row needs before each of its rounds, and after it (the policy of (h)). */
  before?: () => Promise<void>;
  after?: () => Promise<void>;
}

/**
 * Rows that are held against one another, measured in turns: `turns` rounds, in each of
 * which every row runs for its share of the measured time after a short warm-up. Measured
 * once each, minutes apart, such rows moved against one another by up to 20% with the
 * machine's drift; in turns, the drift falls on all of them alike. Each row's result joins
 * its rounds (combinedRounds).
 */
async function measureInTurns<const Rows extends readonly RowInTurn[]>(
  rows: Rows,
): Promise<{ [Row in keyof Rows]: LoadResult }> {
  const rounds: LoadResult[][] = rows.map(() => []);
  const scenarios = rows.map((row) => row.scenario);
  for (let round = 1; round <= turns; round += 1) {
    for (const [index, row] of rows.entries()) {
      await row.before?.();
      const result = await measure(`${row.label}, round ${round} of ${turns}`, row.server, scenarios[index]!, {
        warmupSeconds: turnWarmupSeconds,
        seconds: setup.seconds / turns,
      });
      await row.after?.();
      rounds[index]!.push(result);
      const scenario = scenarios[index]!;
      if (scenario.kind === 'refresh') scenarios[index] = { ...scenario, tokens: result.tokens ?? [] };
    }
  }
  return rounds.map(combinedRounds) as { [Row in keyof Rows]: LoadResult };
}

/** Raw argon2id hashes per second on the server's core (bench/argon2-rate.ts), the sign-ins' reference. */
async function argon2Rate(label: string): Promise<Measurements['argon2'][number]> {
  await quiet();
  progress(`(d) argon2id hashes/s on one core, ${label}`);
  const rate = spawnPinned(serverCore, [...tsxArgs('argon2-rate.ts'), String(argon2Seconds(setup)), '1,4']);
  return (await rate.ready) as Measurements['argon2'][number];
}

/** Every measurement kept, to tell whether any request failed. */
const loads: LoadResult[] = [];

async function quiet(): Promise<void> {
  const others = await waitForQuiet(busyMachine);
  if (others >= busyMachine)
    progress(`the machine is busy (${others.toFixed(2)} cores used by other processes); measuring anyway`);
}

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});

assertPinningAvailable(availableParallelism());
const started = performance.now();
const expected = benchDuration(setup);
progress(
  `takes about ${minutesAndSeconds(expected.least)} (${loadMeasurements} measurements of ${setup.warmupSeconds} s warm-up + ${setup.seconds} s, four of them in ${turns} turns, the argon2id rate beside each sign-in run, the seed of ${setup.sessions.toLocaleString('en-US')} sessions, and set-up), ` +
    `up to ${minutesAndSeconds(expected.most)} when other processes disturb runs and they are repeated (--attempts ${setup.attempts}); leave the machine idle meanwhile`,
);

progress('floor server');
const floor = spawnPinned(serverCore, tsxArgs('servers/floor-server.ts'));
const floorServer = { url: ((await floor.ready) as { url: string }).url, pids: [floor.child.pid!] };
const floorResult = await measure('(c) floor', floorServer, {
  kind: 'fixed',
  path: '/token',
  headers: {},
  form: { grant_type: 'refresh_token', client_id: 'floor', refresh_token: randomBytes(32).toString('base64url') },
});
await floor.stop();

progress('oidc-provider');
const peer = spawnPinned(serverCore, tsxArgs('servers/oidc-provider-server.ts'), {
  env: { BENCH_TOKENS: String(refreshLineages) },
  stderr: 'ignore',
});
const peerInfo = (await peer.ready) as {
  url: string;
  refreshClientId: string;
  serviceClientId: string;
  serviceSecret: string;
  tokens: string[];
};
const peerServer = { url: peerInfo.url, pids: [peer.child.pid!] };
const peerRefresh = await measure('(a) oidc-provider refresh', peerServer, {
  kind: 'refresh',
  path: '/token',
  headers: {},
  form: { grant_type: 'refresh_token', client_id: peerInfo.refreshClientId },
  tokens: peerInfo.tokens,
});
const peerClientCredentials = await measure('(b) oidc-provider client_credentials', peerServer, {
  kind: 'fixed',
  path: '/token',
  headers: basic(peerInfo.serviceClientId, peerInfo.serviceSecret),
  form: { grant_type: 'client_credentials', scope: 'api:read' },
});
await peer.stop();

const refreshScenario = (baton: BatonUnderTest, tokens: string[]): Scenario => ({
  kind: 'refresh',
  path: `${baton.tenantPath}/oauth2/v2.0/token`,
  headers: {},
  form: { grant_type: 'refresh_token', client_id: baton.publicClientId },
  tokens,
});
const signInScenario = (baton: BatonUnderTest): Scenario => ({
  kind: 'sign-in',
  tenantPath: baton.tenantPath,
  clientId: baton.publicClientId,
  usernames: baton.usernames,
  password: baton.password,
});
/** Servers still running if the run stops early: stopped in reverse order, once each (their stop() is idempotent). */
const running: Array<{ stop(): Promise<unknown> }> = [];
async function tracked<T extends { stop(): Promise<unknown> }>(server: Promise<T>): Promise<T> {
  running.push(await server);
  return running.at(-1) as T;
}

try {
  progress(
    `Baton (CLI setup, baton serve, sign-ins and handoffs for the refresh pools), and a second one on a database seeded with ${setup.sessions.toLocaleString('en-US')} sessions`,
  );
  const one = { BATON_WORKERS: '1' };
  const baton = await tracked(
    startBaton({ env: one, ...(flags.profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${flags.profile}`] } : {}) }),
  );
  const seeded = await tracked(startBaton({ env: one, seedSessions: setup.sessions }));
  const seed = seeded.seed!;
  progress(
    `  seeded ${seed.sessions.toLocaleString('en-US')} sessions in ${seed.seconds.toFixed(1)} s, ${Math.round(seed.databaseBytes / seed.sessions)} bytes/session`,
  );
  const tokenPath = `${baton.tenantPath}/oauth2/v2.0/token`;
  const [plainTokens, policyTokens, dpopBound, seededTokens] = [
    await baton.refreshTokens(refreshLineages),
    await baton.refreshTokens(refreshLineages),
    await baton.dpopRefreshTokens(refreshLineages),
    await seeded.refreshTokens(refreshLineages),
  ];
  // (h)'s policy, timed inside the server in each of its rounds (warm-ups included)
  const policyEvaluation = { count: 0, seconds: 0 };
  let evaluationsBefore = { ...policyEvaluation };
  // plain refresh and the three rows held against it, in turns
  const [batonRefresh, policyRefresh, seededRefresh, batonDpopRefresh] = await measureInTurns([
    { label: '(a) Baton refresh', server: baton, scenario: refreshScenario(baton, plainTokens) },
    {
      label: '(h) Baton refresh, a 20-rule conditional-access policy in force',
      server: baton,
      // its own lineages: a refresh run may stop with (a)'s tokens in flight
      scenario: refreshScenario(baton, policyTokens),
      before: async () => {
        await baton.setPolicy(twentyRulePolicy());
        evaluationsBefore = await baton.policyEvaluations();
      },
      after: async () => {
        const after = await baton.policyEvaluations();
        policyEvaluation.count += after.count - evaluationsBefore.count;
        policyEvaluation.seconds += after.seconds - evaluationsBefore.seconds;
        await baton.setPolicy({ rules: [] });
      },
    },
    {
      label: `(f) Baton refresh, ${seed.sessions.toLocaleString('en-US')} sessions in the database`,
      server: seeded,
      scenario: refreshScenario(seeded, seededTokens),
    },
    {
      label: '(e) Baton DPoP-bound refresh',
      server: baton,
      scenario: {
        kind: 'refresh',
        path: tokenPath,
        headers: {},
        form: { grant_type: 'refresh_token', client_id: baton.companionClientId },
        tokens: dpopBound.tokens,
        dpop: { key: dpopBound.key, htu: baton.tokenUrl },
      },
    },
  ]);
  const { databaseBytes: seededBytesAfterRun } = await seeded.stop();
  const batonClientCredentials = await measure('(b) Baton client_credentials', baton, {
    kind: 'fixed',
    path: tokenPath,
    headers: basic(baton.service.clientId, baton.service.secret),
    form: { grant_type: 'client_credentials', scope: 'api:read' },
  });
  // each sign-in run beside its argon2id reference, so a drift of the machine falls on both
  const signIns: LoadResult[] = [];
  const argon2: Measurements['argon2'] = [];
  for (let run = 1; run <= signInRuns; run += 1) {
    signIns.push(
      await measure(`(d) Baton password sign-ins, run ${run} of ${signInRuns}`, baton, signInScenario(baton)),
    );
    argon2.push(await argon2Rate(`run ${run} of ${signInRuns}`));
  }
  await baton.stop();

  progress('Baton on SQLite with 2 workers, pinned to both cores');
  const sqliteTwo = await tracked(startBaton({ env: { BATON_WORKERS: '2' }, cores: bothCores }));
  const sqliteTwoRefresh = await measure(
    '(g) Baton refresh, SQLite, 2 workers',
    sqliteTwo,
    refreshScenario(sqliteTwo, await sqliteTwo.refreshTokens(refreshLineages)),
  );
  const sqliteTwoSignIns = await measure('(g) Baton sign-ins, SQLite, 2 workers', sqliteTwo, signInScenario(sqliteTwo));
  await sqliteTwo.stop();

  progress('PostgreSQL: a throwaway cluster; Baton on it with 1 worker, then 2');
  const postgres = await tracked(startBenchPostgres());
  const postgresRefresh: LoadResult[] = [];
  for (const [workers, cores] of [
    [1, serverCore],
    [2, bothCores],
  ] as const) {
    postgres.pin(cores);
    const database = await postgres.newDatabase(`bench_${workers}_workers`);
    const onPostgres = await tracked(startBaton({ env: { BATON_WORKERS: String(workers) }, cores, database }));
    postgresRefresh.push(
      await measure(
        `(g) Baton refresh, PostgreSQL, ${workers} worker${workers > 1 ? 's' : ''}`,
        onPostgres,
        refreshScenario(onPostgres, await onPostgres.refreshTokens(refreshLineages)),
      ),
    );
    await onPostgres.stop();
  }
  await postgres.stop();

  const workers: WorkerRows = {
    sqlite: { refresh: sqliteTwoRefresh, signIns: sqliteTwoSignIns },
    postgres: { refresh: postgresRefresh[0]!, twoWorkersRefresh: postgresRefresh[1]! },
  };
  const measurements: Measurements = {
    batonRefresh,
    policyRefresh,
    policyEvaluation,
    batonDpopRefresh,
    peerRefresh,
    batonClientCredentials,
    peerClientCredentials,
    floor: floorResult,
    signIns,
    argon2,
    seeded: {
      refresh: seededRefresh,
      sessions: seed.sessions,
      seedSeconds: seed.seconds,
      bytesAfterSeed: seed.databaseBytes,
      bytesAfterRun: seededBytesAfterRun!,
    },
    workers,
  };

  const report = formatReport(measurements, setup);
  process.stdout.write(`\n${report}\n`);
  if (flags.write) writeResults(report);
  if (loads.some((m) => m.failed + m.errors > 0)) {
    progress('some requests failed: these numbers do not describe a clean run');
    process.exitCode = 1;
  }
} finally {
  for (const server of running.reverse()) await server.stop();
}
progress(`done in ${minutesAndSeconds((performance.now() - started) / 1000)}`);

/**
 * Puts this run, with its command, date and commit, between the markers of
 * bench/RESULTS.md; the text around them (the analysis) stays as it is.
 */
function writeResults(report: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: join(import.meta.dirname, '..'), encoding: 'utf8' }).trim();
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  const args = process.argv.slice(2).join(' ');
  const command = `${process.env.BATON_LOG_LEVEL ? `BATON_LOG_LEVEL=${process.env.BATON_LOG_LEVEL} ` : ''}npm run bench${args ? ` -- ${args}` : ''}`;
  const run = [
    begin,
    `Command: \`${command}\`  `,
    `Date: ${new Date().toISOString()}  `,
    `Commit: ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' (with uncommitted changes)' : ''}  `,
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores; Node ${process.version}  `,
    `Baton log level: ${process.env.BATON_LOG_LEVEL ?? 'info (the default)'}; SQLite synchronous = NORMAL in WAL mode (Baton's setting)`,
    '',
    report,
    end,
  ].join('\n');
  const file = join(import.meta.dirname, 'RESULTS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const [start, stop] = [previous.indexOf(begin), previous.indexOf(end)];
  const text =
    start >= 0 && stop > start
      ? `${previous.slice(0, start)}${run}${previous.slice(stop + end.length)}`
      : `# Benchmark results\n\n${run}\n${previous}`;
  writeFileSync(file, text);
  progress('wrote bench/RESULTS.md');
}
