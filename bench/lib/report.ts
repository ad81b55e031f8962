import type { LoadResult } from './load-spec.js';

export interface Measurements {
  batonRefresh: LoadResult;
  batonDpopRefresh: LoadResult;
  peerRefresh: LoadResult;
  batonClientCredentials: LoadResult;
  peerClientCredentials: LoadResult;
  floor: LoadResult;
  signIns: LoadResult;
  argon2: { hashesPerSecond: number; byConcurrency: Record<string, number>; others: number };
}

/** The targets of issue 2, point 9. */
export const targets = { refreshVsPeer: 1.2, refreshVsFloor: 0.5, refreshP99Ms: 15, signInsVsArgon2: 0.85 } as const;

const num = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => num(value, 2);
const verdict = (holds: boolean) => (holds ? 'HOLDS' : 'MISSED');

function row(label: string, rate: string, p50: number, p99: number, r: LoadResult): string {
  const trouble =
    r.failed + r.errors > 0
      ? ` (${r.failed} non-2xx, ${r.errors} errors${r.firstFailure ? `; first: ${r.firstFailure}` : ''})`
      : '';
  return `| ${label} | ${rate} | ${ms(p50)} | ${ms(p99)} | ${num(r.cpu.server * 100)}% | ${num(r.cpu.others * 100)}% | ${r.failed + r.errors}${trouble} |`;
}

/** The results table, the ratios and the verdict on each target, as Markdown. */
export function formatReport(
  m: Measurements,
  setup: { connections: number; seconds: number; warmupSeconds: number },
): string {
  const flows = m.signIns.flows!;
  const ratios = {
    refreshVsPeer: m.batonRefresh.rps / m.peerRefresh.rps,
    refreshVsFloor: m.batonRefresh.rps / m.floor.rps,
    dpopVsPlainRefresh: m.batonDpopRefresh.rps / m.batonRefresh.rps,
    clientCredentialsVsPeer: m.batonClientCredentials.rps / m.peerClientCredentials.rps,
    signInsVsArgon2: flows.rps / m.argon2.hashesPerSecond,
  };
  const argon2Detail = Object.entries(m.argon2.byConcurrency)
    .map(([c, rate]) => `${num(rate, 1)}/s at concurrency ${c}`)
    .join(', ');
  return [
    `${setup.connections} connections, ${setup.warmupSeconds} s warm-up + ${setup.seconds} s measured per row; servers on core 0, autocannon on core 1.`,
    '',
    '| Measurement | req/s | p50 ms | p99 ms | server CPU | other CPU | failures |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    row(
      '(a) Baton refresh, rotating (SQLite file, WAL)',
      num(m.batonRefresh.rps),
      m.batonRefresh.p50,
      m.batonRefresh.p99,
      m.batonRefresh,
    ),
    row(
      '(a) oidc-provider refresh, rotating (in-memory adapter)',
      num(m.peerRefresh.rps),
      m.peerRefresh.p50,
      m.peerRefresh.p99,
      m.peerRefresh,
    ),
    row(
      '(b) Baton client_credentials (JWT)',
      num(m.batonClientCredentials.rps),
      m.batonClientCredentials.p50,
      m.batonClientCredentials.p99,
      m.batonClientCredentials,
    ),
    row(
      '(b) oidc-provider client_credentials (JWT)',
      num(m.peerClientCredentials.rps),
      m.peerClientCredentials.p50,
      m.peerClientCredentials.p99,
      m.peerClientCredentials,
    ),
    row('(c) floor: Fastify + 1 ES256 signature + 1 SQLite write', num(m.floor.rps), m.floor.p50, m.floor.p99, m.floor),
    row(
      '(d) Baton password sign-ins, whole flows (3 requests each)',
      `${num(flows.rps, 1)} sign-ins/s`,
      flows.p50,
      flows.p99,
      m.signIns,
    ),
    `| (d) argon2id hashes, Baton's parameters, one core | ${num(m.argon2.hashesPerSecond, 1)} hashes/s | | | | ${num(m.argon2.others * 100)}% | ${argon2Detail} |`,
    row(
      '(e) Baton refresh, rotating, DPoP-bound (fresh ES256 proof each)',
      num(m.batonDpopRefresh.rps),
      m.batonDpopRefresh.p50,
      m.batonDpopRefresh.p99,
      m.batonDpopRefresh,
    ),
    '',
    'Server CPU: share of its core the server used; other CPU: what every other process on the machine used meanwhile (near 0% means an undisturbed run).',
    `Sign-in requests: ${num(m.signIns.rps)} req/s, p50 ${ms(m.signIns.p50)} ms, p99 ${ms(m.signIns.p99)} ms per request.`,
    '',
    '| Ratio | value | target | verdict |',
    '| --- | ---: | ---: | --- |',
    `| Baton refresh / oidc-provider refresh | ${num(ratios.refreshVsPeer, 2)}x | >= ${targets.refreshVsPeer}x | ${verdict(ratios.refreshVsPeer >= targets.refreshVsPeer)} |`,
    `| Baton refresh / floor | ${num(ratios.refreshVsFloor * 100, 1)}% | >= ${targets.refreshVsFloor * 100}% | ${verdict(ratios.refreshVsFloor >= targets.refreshVsFloor)} |`,
    `| Baton refresh p99 at ${setup.connections} connections | ${ms(m.batonRefresh.p99)} ms | < ${targets.refreshP99Ms} ms | ${verdict(m.batonRefresh.p99 < targets.refreshP99Ms)} |`,
    `| Baton client_credentials / oidc-provider | ${num(ratios.clientCredentialsVsPeer, 2)}x | (reported) | |`,
    `| sign-ins/s / argon2id hashes/s | ${num(ratios.signInsVsArgon2 * 100, 1)}% | >= ${targets.signInsVsArgon2 * 100}% | ${verdict(ratios.signInsVsArgon2 >= targets.signInsVsArgon2)} |`,
    `| DPoP-bound refresh / plain refresh | ${num(ratios.dpopVsPlainRefresh, 2)}x | (reported) | |`,
  ].join('\n');
}
