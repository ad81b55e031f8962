import type { RateLimitRepository } from '../../core/ports.js';
import type { DirectSql } from '../direct-sql.js';
import type { RateLimitsTable } from '../schema.js';

/** Every credential attempt reserves, then clears or refunds; a reservation is one transaction. */
export function rateLimitRepository(sql: DirectSql): RateLimitRepository {
  return {
    async get(key) {
      const [row] = await sql.query<Pick<RateLimitsTable, 'failures' | 'locked_until'>>(
        'SELECT failures, locked_until FROM rate_limits WHERE key = ?',
        [key],
      );
      return row ? { failures: row.failures, lockedUntil: Number(row.locked_until) } : null;
    },
    reserve(key, now, { windowMs, lockFor }) {
      return sql.transaction(async (tx) => {
        // One statement creates the row or locks the one there (PostgreSQL; SQLite's write transaction already
        // serialises reservations) and reads it: a clear racing between an insert and a later read left no row.
        const [row] = await tx.query<Omit<RateLimitsTable, 'key'>>(
          `INSERT INTO rate_limits (key, failures, locked_until, updated_at) VALUES (?, 0, 0, ?)
           ON CONFLICT (key) DO UPDATE SET updated_at = rate_limits.updated_at
           RETURNING failures, locked_until, updated_at`,
          [key, now],
        );
        const lockedUntil = Number(row!.locked_until);
        const updatedAt = Number(row!.updated_at);
        if (lockedUntil > now)
          return {
            allowed: false,
            failures: row!.failures,
            lockedUntil,
            undo: { lockedUntil, updatedAt, wroteLockedUntil: lockedUntil, wroteUpdatedAt: updatedAt },
          };
        const quiet = updatedAt < now - windowMs && lockedUntil < now - windowMs;
        const failures = quiet ? 1 : row!.failures + 1;
        const lock = lockFor(failures);
        const until = lock > 0 ? now + lock : lockedUntil;
        await tx.run('UPDATE rate_limits SET failures = ?, locked_until = ?, updated_at = ? WHERE key = ?', [
          failures,
          until,
          now,
          key,
        ]);
        return {
          allowed: true,
          failures,
          lockedUntil: until,
          undo: { lockedUntil, updatedAt, wroteLockedUntil: until, wroteUpdatedAt: now },
        };
      });
    },
    async refund(key, { undo }) {
      await sql.run(
        `UPDATE rate_limits SET failures = failures - 1,
           locked_until = CASE WHEN locked_until = ? THEN ? ELSE locked_until END,
           updated_at = CASE WHEN updated_at = ? THEN ? ELSE updated_at END
         WHERE key = ? AND failures > 0`,
        [undo.wroteLockedUntil, undo.lockedUntil, undo.wroteUpdatedAt, undo.updatedAt, key],
      );
    },
    async clear(key) {
      await sql.run('DELETE FROM rate_limits WHERE key = ?', [key]);
    },
  };
}
