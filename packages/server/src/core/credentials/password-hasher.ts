import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { concurrencyLimit } from '../concurrency-limit.js';
import { BatonError } from '../errors.js';

/** argon2id (the library's default algorithm) with OWASP's minimum cost: 19 MiB, 2 passes, 1 lane. */
export const argon2Options = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Hashes that may wait per core: at about 8 ms each, two seconds of work. */
export const waitingHashesPerCore = 256;

/**
 * argon2 runs on libuv's thread pool (4 threads by default). More hashes at once than
 * the process has cores only interleaves them, and with 19 MiB each they evict one
 * another from the cache: one core measured 121 hashes/s one at a time and 88/s four at a
 * time (bench/RESULTS.md). So hashes take turns, as many at once as there are cores. Past
 * about two seconds of waiting work (a password spray, a stampede), a new password is
 * refused with 503 and Retry-After rather than queued: every caller waiting minutes
 * would help nobody.
 */
const cores = availableParallelism();
export const passwordHashing = concurrencyLimit(cores, {
  max: waitingHashesPerCore * cores,
  full: () =>
    new BatonError('service_busy', 'Too many passwords are being checked right now; try again in a moment', {
      retryAfter: 1,
    }),
});

export function hashPassword(password: string): Promise<string> {
  return passwordHashing(() => hash(password, argon2Options));
}

/** A hash of nothing, verified when there is no account hash so both paths cost the same. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    decoy ??= hashPassword('baton-decoy-password');
    const decoyHash = await decoy;
    await passwordHashing(() => verify(decoyHash, password));
    return false;
  }
  return passwordHashing(() => verify(stored, password));
}
