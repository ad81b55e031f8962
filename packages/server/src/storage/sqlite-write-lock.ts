import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Runs `work` in one SQLite write transaction (BEGIN IMMEDIATE), committed when it
 * succeeds and rolled back when it throws. Kysely's migrator takes no lock on SQLite, so
 * without this two processes starting on one new file both create the tables. The lock is
 * awaited in short polls because better-sqlite3's busy wait is synchronous and would stall
 * the event loop of a process that holds the lock itself.
 */
export async function withSqliteWriteLock<T>(
  db: Kysely<Database>,
  work: () => Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const { rows } = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(db);
  await sql`PRAGMA busy_timeout = 0`.execute(db);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await sql`BEGIN IMMEDIATE`.execute(db);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
        await sleep(20);
      }
    }
  } finally {
    await sql.raw(`PRAGMA busy_timeout = ${Number(rows[0]?.timeout ?? 0)}`).execute(db);
  }
  try {
    const result = await work();
    await sql`COMMIT`.execute(db);
    return result;
  } catch (error) {
    await sql`ROLLBACK`.execute(db);
    throw error;
  }
}
