import type { RequestCounterRepository } from '../../core/ports.js';
import type { DirectSql } from '../direct-sql.js';
import type { RequestCountersTable } from '../schema.js';

/** One upsert counts the request, or starts a new window when the last one has ended; both engines run it as written. */
const countSql = `
  INSERT INTO request_counters (key, count, expires_at) VALUES (?, 1, ?)
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN request_counters.expires_at <= ? THEN 1 ELSE request_counters.count + 1 END,
    expires_at = CASE WHEN request_counters.expires_at <= ? THEN excluded.expires_at ELSE request_counters.expires_at END
  RETURNING count, expires_at`;

export function requestCounterRepository(sql: DirectSql): RequestCounterRepository {
  return {
    async count(key, now, windowMs) {
      const [row] = await sql.query<Omit<RequestCountersTable, 'key'>>(countSql, [key, now + windowMs, now, now]);
      return { count: row!.count, windowEndsAt: row!.expires_at };
    },
  };
}
