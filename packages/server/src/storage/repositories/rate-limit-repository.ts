import { sql, type Kysely } from 'kysely';
import type { RateLimitRepository } from '../../core/ports.js';
import type { DirectSql } from '../direct-sql.js';
import type { Database } from '../schema.js';

/** Every credential attempt reads the counts and a success clears them: those two are plain SQL (see direct-sql.ts). */
export function rateLimitRepository(db: Kysely<Database>, direct: DirectSql): RateLimitRepository {
  return {
    async get(key) {
      const [row] = await direct.query<{ failures: number; locked_until: number }>('SELECT failures, locked_until FROM rate_limits WHERE key = ?', [key]);
      return row ? { failures: row.failures, lockedUntil: row.locked_until } : null;
    },
    async fail(key, now, { windowMs, lockFor }) {
      const counted = await db.insertInto('rate_limits')
        .values({ key, failures: 1, locked_until: 0, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({
          failures: sql<number>`CASE WHEN rate_limits.updated_at < ${now - windowMs} AND rate_limits.locked_until < ${now - windowMs} THEN 1 ELSE rate_limits.failures + 1 END`,
          updated_at: now,
        }))
        .returning(['failures', 'locked_until'])
        .executeTakeFirstOrThrow();
      const lock = lockFor(counted.failures);
      if (lock <= 0) return { failures: counted.failures, lockedUntil: counted.locked_until };
      const lockedUntil = now + lock;
      await db.updateTable('rate_limits').set({ locked_until: lockedUntil }).where('key', '=', key).execute();
      return { failures: counted.failures, lockedUntil };
    },
    async clear(key) {
      await direct.run('DELETE FROM rate_limits WHERE key = ?', [key]);
    },
  };
}
