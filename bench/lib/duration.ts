/** How many load measurements `npm run bench` makes: (a) and (b) for both servers, (c), (d) and (e). */
export const loadMeasurements = 7;
/**
 * Starting the servers and filling Baton's refresh-token pools (a password sign-in, argon2id
 * included, per lineage, plain and DPoP-bound), measured on the 2-core reference machine.
 */
const setupSeconds = 45;
/** The CPU check before each run waits at least this long for a quiet machine. */
const quietCheckSeconds = 1;

/**
 * How long a bench run takes, in seconds: the least when no run is disturbed, the most when
 * every measurement is repeated `attempts` times (other processes used the cores).
 */
export function benchDuration(setup: { seconds: number; warmupSeconds: number; attempts: number }) {
  const run = setup.warmupSeconds + setup.seconds + quietCheckSeconds;
  const argon2 = Math.min(setup.seconds, 8) + quietCheckSeconds;
  return {
    least: loadMeasurements * run + argon2 + setupSeconds,
    most: loadMeasurements * run * setup.attempts + argon2 + setupSeconds,
  };
}

/** `95` as `1 min 35 s`. */
export function minutesAndSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min${whole % 60 ? ` ${whole % 60} s` : ''}`;
}
