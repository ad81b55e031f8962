import type {
  AuthorizationCodeRepository,
  BrowserSessionRepository,
  ContinuationRepository,
  DeviceAuthorizationRepository,
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

/** Device authorizations: each change of state checks the state it changes, as the SQL conditional updates do. */
export function inMemoryDeviceAuthorizations(db: MemoryDatabase): DeviceAuthorizationRepository {
  const table = db.deviceAuthorizations;
  return {
    async insert(record) {
      if (table.where((row) => row.userCodeDigest === record.userCodeDigest).length > 0) return false;
      table.insert(record);
      return true;
    },
    async findByDeviceCode(digest) {
      return table.get(digest);
    },
    async findByUserCode(digest) {
      return table.where((row) => row.userCodeDigest === digest)[0] ?? null;
    },
    async poll(digest, now, slowDownSeconds) {
      const row = table.get(digest);
      if (!row) return { tooFast: false };
      const tooFast = row.lastPolledAt !== null && row.lastPolledAt + row.interval * 1000 > now;
      table.update(digest, { lastPolledAt: now, interval: row.interval + (tooFast ? slowDownSeconds : 0) });
      return { tooFast };
    },
    async decide(digest, decision) {
      const row = table.get(digest);
      if (row?.status !== 'pending' || row.expiresAt <= decision.decidedAt) return false;
      const { status, ...recorded } = decision;
      return table.update(digest, { status, ...recorded });
    },
    async redeem(digest) {
      if (table.get(digest)?.status !== 'approved') return false;
      return table.update(digest, { status: 'redeemed' });
    },
  };
}
