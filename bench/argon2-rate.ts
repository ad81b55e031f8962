/**
 * Raw argon2id hashes per second: @node-rs/argon2 itself (not Baton's hasher, which
 * queues hashes) with Baton's parameters, the reference the sign-in rate is held
 * against. run.ts starts it pinned to the server core. It tries a few concurrencies (the
 * hashes run on libuv's thread pool) and prints one JSON line, with the CPU other
 * processes used meanwhile; the best rate is the reference.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { hash } from '@node-rs/argon2';
import { argon2Options } from '../packages/server/src/core/credentials/password-hasher.js';
import { cpuBetween, snapshot } from './lib/cpu.js';

const seconds = Number(process.argv[2] ?? 5);
const concurrencies = (process.argv[3] ?? '1,4').split(',').map(Number);

async function rate(concurrency: number, budgetMs: number): Promise<number> {
  const deadline = performance.now() + budgetMs;
  let hashes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await hash(randomBytes(12).toString('base64url'), argon2Options);
        hashes += 1;
      }
    }),
  );
  return hashes / ((performance.now() - started) / 1000);
}

await rate(1, 500);
const before = snapshot([process.pid]);
const byConcurrency: Record<string, number> = {};
for (const c of concurrencies) byConcurrency[c] = await rate(c, (seconds * 1000) / concurrencies.length);
const { others } = cpuBetween(before, snapshot([process.pid]));
process.stdout.write(
  `${JSON.stringify({ hashesPerSecond: Math.max(...Object.values(byConcurrency)), byConcurrency, others })}\n`,
);
