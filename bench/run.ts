/**
 * `npm run bench`: Baton against the certified `oidc-provider` and against the floor of
 * its own stack, and Baton's DPoP-bound refresh against its plain one, on 127.0.0.1, each
 * server pinned to core 0 and autocannon to core 1.
 * `npm run bench -- --write` also puts the output into bench/RESULTS.md.
 * Options: --seconds N (measured run, default 12), --warmup N (default 3), --attempts N
 * (runs of a measurement other processes disturbed, default 3), --profile DIR (Baton's
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
import { assertPinningAvailable, serverCore, spawnPinned } from './lib/pinned.js';
import { benchDuration, loadMeasurements, minutesAndSeconds } from './lib/duration.js';
import { formatReport, type Measurements } from './lib/report.js';
import { startBaton } from './servers/baton.js';

const { values: flags } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '12' },
    warmup: { type: 'string', default: '3' },
    attempts: { type: 'string', default: '3' },
    profile: { type: 'string' },
  },
});
const setup = {
  connections: 10,
  seconds: Number(flags.seconds),
  warmupSeconds: Number(flags.warmup),
  attempts: Number(flags.attempts),
};
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
async function measure(label: string, server: { url: string; pid: number }, scenario: Scenario): Promise<LoadResult> {
  let best: LoadResult | undefined;
  for (let attempt = 1; attempt <= setup.attempts && !(best && best.cpu.others <= busyMachine); attempt += 1) {
    await quiet();
    progress(
      `${label} (${setup.warmupSeconds} s warm-up + ${setup.seconds} s)${attempt > 1 ? `, attempt ${attempt}` : ''}`,
    );
    const result = await runLoad({
      url: server.url,
      serverPid: server.pid,
      connections: setup.connections,
      warmupSeconds: setup.warmupSeconds,
      seconds: setup.seconds,
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
  return best!;
}

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
  `takes about ${minutesAndSeconds(expected.least)} (${loadMeasurements} measurements of ${setup.warmupSeconds} s warm-up + ${setup.seconds} s, the argon2id rate, and set-up), ` +
    `up to ${minutesAndSeconds(expected.most)} when other processes disturb runs and they are repeated (--attempts ${setup.attempts}); leave the machine idle meanwhile`,
);

progress('floor server');
const floor = spawnPinned(serverCore, tsxArgs('servers/floor-server.ts'));
const floorServer = { url: ((await floor.ready) as { url: string }).url, pid: floor.child.pid! };
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
const peerServer = { url: peerInfo.url, pid: peer.child.pid! };
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

progress('Baton (CLI setup, baton serve, sign-ins and handoffs for the refresh pools)');
const baton = await startBaton(flags.profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${flags.profile}`] } : {});
try {
  const tokenPath = `${baton.tenantPath}/oauth2/v2.0/token`;
  const [plainTokens, dpopBound] = [
    await baton.refreshTokens(refreshLineages),
    await baton.dpopRefreshTokens(refreshLineages),
  ];
  const batonRefresh = await measure('(a) Baton refresh', baton, {
    kind: 'refresh',
    path: tokenPath,
    headers: {},
    form: { grant_type: 'refresh_token', client_id: baton.publicClientId },
    tokens: plainTokens,
  });
  const batonDpopRefresh = await measure('(e) Baton DPoP-bound refresh', baton, {
    kind: 'refresh',
    path: tokenPath,
    headers: {},
    form: { grant_type: 'refresh_token', client_id: baton.companionClientId },
    tokens: dpopBound.tokens,
    dpop: { key: dpopBound.key, htu: baton.tokenUrl },
  });
  const batonClientCredentials = await measure('(b) Baton client_credentials', baton, {
    kind: 'fixed',
    path: tokenPath,
    headers: basic(baton.service.clientId, baton.service.secret),
    form: { grant_type: 'client_credentials', scope: 'api:read' },
  });
  const signIns = await measure('(d) Baton password sign-ins', baton, {
    kind: 'sign-in',
    tenantPath: baton.tenantPath,
    clientId: baton.publicClientId,
    usernames: baton.usernames,
    password: baton.password,
  });
  await baton.stop();

  await quiet();
  progress('(d) argon2id hashes/s on one core');
  const argon2 = spawnPinned(serverCore, [...tsxArgs('argon2-rate.ts'), String(Math.min(setup.seconds, 8)), '1,4']);
  const measurements: Measurements = {
    batonRefresh,
    batonDpopRefresh,
    peerRefresh,
    batonClientCredentials,
    peerClientCredentials,
    floor: floorResult,
    signIns,
    argon2: (await argon2.ready) as Measurements['argon2'],
  };

  const report = formatReport(measurements, setup);
  process.stdout.write(`\n${report}\n`);
  if (flags.write) writeResults(report);
  const broken = Object.values(measurements).some((m) => 'failed' in m && m.failed + m.errors > 0);
  if (broken) {
    progress('some requests failed: these numbers do not describe a clean run');
    process.exitCode = 1;
  }
} finally {
  await baton.stop();
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
