import type { ExpiredRecordRepository } from '../../core/ports.js';
import type { DirectSql } from '../direct-sql.js';

/** One bounded delete that both engines run: the oldest dead rows of a table first, `limit` at most. */
type BoundedDelete = (sql: DirectSql, before: number, limit: number) => Promise<number>;

/** `key`: the primary key's columns; a key of several is compared as a row value, which both engines take. */
function byExpiry(table: string, ...key: string[]): BoundedDelete {
  const columns = key.join(', ');
  const compared = key.length === 1 ? columns : `(${columns})`;
  const statement = `DELETE FROM ${table} WHERE ${compared} IN (SELECT ${columns} FROM ${table} WHERE expires_at < ? ORDER BY expires_at LIMIT ?)`;
  return (sql, before, limit) => sql.run(statement, [before, limit]);
}

/** An attempt count is dead once its last failure and its lockout are both past. */
const deadAttemptCounts: BoundedDelete = (sql, before, limit) =>
  sql.run(
    'DELETE FROM rate_limits WHERE key IN (SELECT key FROM rate_limits WHERE updated_at < ? AND locked_until < ? ORDER BY updated_at LIMIT ?)',
    [before, before, limit],
  );

/** The tables swept by expiry with their keys (migrations 0003, 0007 to 0009, 0016 and 0018 index it), then the attempt counts. */
const deletes: BoundedDelete[] = [
  byExpiry('continuation_tokens', 'digest'),
  byExpiry('one_time_codes', 'id'),
  byExpiry('session_transfer_tokens', 'digest'),
  byExpiry('authorization_codes', 'digest'),
  byExpiry('device_authorizations', 'device_code_digest'),
  byExpiry('request_counters', 'key'),
  byExpiry('refresh_tokens', 'digest'),
  byExpiry('session_refresh_tokens', 'session_id', 'slot'),
  byExpiry('dpop_proofs', 'key'),
  deadAttemptCounts,
];

export function expiredRecordRepository(sql: DirectSql): ExpiredRecordRepository {
  return {
    async deleteExpired(before, limit) {
      let deleted = 0;
      for (const run of deletes) deleted += await run(sql, before, limit);
      return deleted;
    },
  };
}
