import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { concurrencyLimit } from '../concurrency-limit.js';

/** argon2id (the library's default algorithm) with OWASP's minimum cost: 19 MiB, 2 passes, 1 lane. */
export const argon2Options = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * argon2 runs on libuv's thread pool (4 threads by default). More hashes at once than
 * the process has cores only interleaves them, and with 19 MiB each they evict one
 * another from the cache: one core measured 121 hashes/s one at a time and 88/s four at a
 * time (bench/RESULTS.md). So hashes take turns, as many at once as there are cores.
 */
const limited = concurrencyLimit(availableParallelism());

export function hashPassword(password: string): Promise<string> {
  return limited(() => hash(password, argon2Options));
}

/** A hash of nothing, verified when there is no account hash so both paths cost the same. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    decoy ??= hashPassword('baton-decoy-password');
    const decoyHash = await decoy;
    await limited(() => verify(decoyHash, password));
    return false;
  }
  return limited(() => verify(stored, password));
}
