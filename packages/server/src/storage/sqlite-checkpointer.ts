import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** How often the worker checkpoints, and the WAL length (pages) at which the serving connection would still do it itself. */
const intervalMs = 100;
const fallbackAutocheckpoint = 10_000;
const defaultAutocheckpoint = 1000;

// CommonJS, evaluated in the worker: it cannot load the TypeScript sources.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
for (const pragma of workerData.pragmas) db.pragma(pragma);
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // another connection is checkpointing; the next tick catches up
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Moves SQLite's WAL checkpoints off the event loop. A checkpoint copies the WAL back into
 * the database file and syncs both; run by the connection that commits (SQLite's default,
 * every 1000 pages) it stalls every request in flight, which is most of Baton's p99
 * latency. A worker thread with its own connection, opened with the same pragmas (so the
 * same `synchronous` level and durability), checkpoints every 100 ms without waiting for
 * locks (PASSIVE). The serving connection keeps a checkpoint of its own at 10000 pages, in
 * case the worker falls behind, and goes back to SQLite's default if the worker fails.
 * Returns the function that stops the worker.
 */
export function checkpointInBackground(
  sqlite: BetterSqlite3.Database,
  path: string,
  pragmas: readonly string[],
): () => Promise<void> {
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path, pragmas, intervalMs },
  });
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${fallbackAutocheckpoint}`);
  const exited = once(worker, 'exit');
  worker.once('error', () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${defaultAutocheckpoint}`);
  });
  return async () => {
    worker.postMessage('stop');
    await exited;
  };
}
