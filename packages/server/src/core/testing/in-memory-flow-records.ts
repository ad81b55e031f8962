import type {
  AuthorizationCodeRepository,
  BrowserSessionRepository,
  ContinuationRepository,
  OneTimeCodeRepository,
  TransferTokenRepository,
} from '../ports.js';
import type { MemoryDatabase } from './memory-database.js';
import type { MemoryTable } from './memory-table.js';

/** Marks a single-use record used; true only for the first caller, as the SQL `consumed_at IS NULL` update does. */
function consumeOnce<Row extends { consumedAt: number | null }>(
  table: MemoryTable<Row>,
  key: string,
  now: number,
): boolean {
  if (table.get(key)?.consumedAt !== null) return false;
  return table.update(key, { consumedAt: now } as Partial<Row>);
}

/** Continuation tokens: consuming one deletes it, so only the first of any callers gets true. */
export function inMemoryContinuations(db: MemoryDatabase): ContinuationRepository {
  return {
    async insert(record) {
      db.continuations.insert(record);
    },
    async find(digest) {
      return db.continuations.get(digest);
    },
    async consume(digest) {
      return db.continuations.delete(digest);
    },
    async deleteForUser(userId) {
      return db.continuations.deleteWhere((record) => record.userId === userId);
    },
  };
}

/** One-time codes: a wrong attempt and a use both count only while attempts remain. */
export function inMemoryOneTimeCodes(db: MemoryDatabase): OneTimeCodeRepository {
  return {
    async insert(code) {
      db.codes.insert(code);
    },
    async latest(flowId) {
      const newestFirst = db.codes
        .where((code) => code.flowId === flowId)
        .sort((left, right) => right.createdAt - left.createdAt || (left.id < right.id ? 1 : -1));
      return newestFirst[0] ?? null;
    },
    async recordFailure(id, maxAttempts) {
      const code = db.codes.get(id);
      if (!code || code.attempts >= maxAttempts) return false;
      return db.codes.update(id, { attempts: code.attempts + 1 });
    },
    async consume(id, now, maxAttempts) {
      const code = db.codes.get(id);
      if (!code || code.consumedAt !== null || code.attempts >= maxAttempts) return false;
      return db.codes.update(id, { consumedAt: now });
    },
  };
}

export function inMemoryTransferTokens(db: MemoryDatabase): TransferTokenRepository {
  return {
    async insert(record) {
      // As the SQL repository does: tokens expired by now can never be redeemed, so they go.
      db.transferTokens.deleteWhere((row) => row.expiresAt < record.createdAt);
      db.transferTokens.insert(record);
    },
    async find(digest) {
      return db.transferTokens.get(digest);
    },
    async consume(digest, now) {
      return consumeOnce(db.transferTokens, digest, now);
    },
  };
}

export function inMemoryAuthorizationCodes(db: MemoryDatabase): AuthorizationCodeRepository {
  return {
    async insert(code) {
      db.authorizationCodes.insert(code);
    },
    async find(digest) {
      return db.authorizationCodes.get(digest);
    },
    async consume(digest, now) {
      return consumeOnce(db.authorizationCodes, digest, now);
    },
    async setIssuedSession(digest, sessionId) {
      db.authorizationCodes.update(digest, { issuedSessionId: sessionId });
    },
  };
}

export function inMemoryBrowserSessions(db: MemoryDatabase): BrowserSessionRepository {
  return {
    async insert(digest, tenantId, sessionId, now) {
      db.browserSessions.insert({ digest, tenantId, sessionId, createdAt: now });
    },
    async find(digest, tenantId) {
      const row = db.browserSessions.get(digest);
      return row && row.tenantId === tenantId ? row.sessionId : null;
    },
    async delete(digest) {
      db.browserSessions.delete(digest);
    },
  };
}
