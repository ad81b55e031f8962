import type { ExpiredRecordRepository } from '../../core/ports.js';
import type { DirectSql } from '../direct-sql.js';

/** The short-lived tables, each with its key; migration 0007 indexes their expiry. */
const tables = [
  ['continuation_tokens', 'digest'],
  ['one_time_codes', 'id'],
  ['session_transfer_tokens', 'digest'],
  ['authorization_codes', 'digest'],
] as const;

/** A bounded delete that both engines run: the oldest expired rows first, `limit` at most. */
const deleteSql = tables.map(([table, key]) =>
  `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE expires_at < ? ORDER BY expires_at LIMIT ?)`);

export function expiredRecordRepository(direct: DirectSql): ExpiredRecordRepository {
  return {
    async deleteExpired(before, limit) {
      let deleted = 0;
      for (const sql of deleteSql) deleted += await direct.run(sql, [before, limit]);
      return deleted;
    },
  };
}
