/** Full runs of the sign-in measurement (d): the target is held against their median. */
export const signInRuns = 3;
/**
 * How many load measurements `npm run bench` makes: (a) and (b) for both servers, (c), (d)
 * `signInRuns` times, (e), (f), and (g): refresh with 2 workers on SQLite, sign-ins with 2
 * workers, refresh with 1 and 2 workers on PostgreSQL; and (h), refresh under a policy.
 */
export const loadMeasurements = 6 + signInRuns + 1 + 4 + 1;
/**
 * (a), (e), (f) and (h) are compared with one another, so they are measured in turns: each
 * in `turns` rounds of a short warm-up and its share of the measured time, one row after
 * another, so a drift of the machine's speed falls on all four alike.
 */
export const rowsInTurns = 4;
export const turns = 3;
export const turnWarmupSeconds = 1;
/** Putting the policy of (h) in force and taking it back, in each round (the CLI, then the instance's next check). */
const policySwitchSeconds = 6;
/**
 * Starting the servers (five Batons, one of them on a seeded database, and a PostgreSQL
 * cluster) and filling Baton's refresh-token pools (a password sign-in, argon2id included,
 * per lineage, plain and DPoP-bound), measured on the 2-core reference machine.
 */
const setupSeconds = 90;
/** How long each run of the argon2id reference hashes (bench/argon2-rate.ts), one after each sign-in run. */
export const argon2Seconds = (setup: { seconds: number }) => Math.min(setup.seconds, 8);
/** Seeding the large database, per million sessions, on the 2-core reference machine. */
const seedSecondsPerMillion = 50;
/** The CPU check before each run waits at least this long for a quiet machine. */
const quietCheckSeconds = 1;

/**
 * How long a bench run takes, in seconds: the least when no run is disturbed, the most when
 * every measurement is repeated `attempts` times (other processes used the cores).
 */
export function benchDuration(setup: { seconds: number; warmupSeconds: number; attempts: number; sessions: number }) {
  const run = setup.warmupSeconds + setup.seconds + quietCheckSeconds;
  const inTurns = rowsInTurns * turns * (turnWarmupSeconds + setup.seconds / turns + quietCheckSeconds);
  const measured = (loadMeasurements - rowsInTurns) * run + inTurns;
  const fixed =
    signInRuns * (argon2Seconds(setup) + quietCheckSeconds) +
    setupSeconds +
    turns * policySwitchSeconds +
    (setup.sessions / 1e6) * seedSecondsPerMillion;
  return {
    least: measured + fixed,
    most: measured * setup.attempts + fixed,
  };
}

/** `95` as `1 min 35 s`. */
export function minutesAndSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min${whole % 60 ? ` ${whole % 60} s` : ''}`;
}
