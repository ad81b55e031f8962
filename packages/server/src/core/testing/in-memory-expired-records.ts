import type { ExpiredRecordRepository } from '../ports.js';
import type { MemoryDatabase } from './memory-database.js';
import type { MemoryTable } from './memory-table.js';

/** Deletes up to `limit` rows of `table` that `dead` accepts, those that died first going first. */
function deleteOldest<Row extends object>(
  table: MemoryTable<Row>,
  diedAt: (row: Row) => number,
  dead: (row: Row) => boolean,
  limit: number,
): number {
  const oldest = table
    .where(dead)
    .sort((left, right) => diedAt(left) - diedAt(right))
    .slice(0, limit);
  for (const row of oldest) table.delete(table.keyOf(row));
  return oldest.length;
}

/** The sweep of storage/repositories/expired-record-repository.ts, kind by kind. */
export function inMemoryExpiredRecords(db: MemoryDatabase): ExpiredRecordRepository {
  return {
    async deleteExpired(before, limit) {
      const expired = (row: { expiresAt: number }) => row.expiresAt < before;
      const expiresAt = (row: { expiresAt: number }) => row.expiresAt;
      return [
        deleteOldest(db.continuations, expiresAt, expired, limit),
        deleteOldest(db.codes, expiresAt, expired, limit),
        deleteOldest(db.transferTokens, expiresAt, expired, limit),
        deleteOldest(db.authorizationCodes, expiresAt, expired, limit),
        deleteOldest(db.deviceAuthorizations, expiresAt, expired, limit),
        deleteOldest(db.requestCounters, expiresAt, expired, limit),
        deleteOldest(db.refreshTokens, expiresAt, expired, limit),
        deleteOldest(db.sessionRefreshTokens, expiresAt, expired, limit),
        deleteOldest(db.dpopProofs, expiresAt, expired, limit),
        deleteOldest(
          db.rateLimits,
          (row) => row.updatedAt,
          (row) => row.updatedAt < before && row.lockedUntil < before,
          limit,
        ),
      ].reduce((sum, deleted) => sum + deleted, 0);
    },
  };
}
