import type { Repositories } from '../ports.js';
import { inMemoryMfaMethods, inMemoryUsers } from './in-memory-accounts.js';
import { inMemoryAudit } from './in-memory-audit.js';
import { inMemoryDpopProofs, inMemoryRateLimits, inMemoryRequestCounters } from './in-memory-counters.js';
import { inMemoryApps, inMemoryPolicies, inMemorySigningKeys, inMemoryTenants } from './in-memory-directory.js';
import { inMemoryExpiredRecords } from './in-memory-expired-records.js';
import {
  inMemoryAuthorizationCodes,
  inMemoryBrowserSessions,
  inMemoryContinuations,
  inMemoryDeviceAuthorizations,
  inMemoryOneTimeCodes,
  inMemoryTransferTokens,
} from './in-memory-flow-records.js';
import { inMemorySessions } from './in-memory-sessions.js';
import { createMemoryDatabase, type MemoryDatabase } from './memory-database.js';

/**
 * Every port of core/ports.ts over one in-memory database, for domain tests: no SQL, no
 * files, nothing shared between two calls of this. Production code never imports it.
 * `db` is there for a test to see what was stored.
 */
export function inMemoryRepositories(
  db: MemoryDatabase = createMemoryDatabase(),
): Repositories & { db: MemoryDatabase } {
  return {
    db,
    tenants: inMemoryTenants(db),
    apps: inMemoryApps(db),
    users: inMemoryUsers(db),
    sessions: inMemorySessions(db),
    signingKeys: inMemorySigningKeys(db),
    continuations: inMemoryContinuations(db),
    audit: inMemoryAudit(db),
    codes: inMemoryOneTimeCodes(db),
    mfaMethods: inMemoryMfaMethods(db),
    rateLimits: inMemoryRateLimits(db),
    requestCounters: inMemoryRequestCounters(db),
    transferTokens: inMemoryTransferTokens(db),
    deviceAuthorizations: inMemoryDeviceAuthorizations(db),
    dpopProofs: inMemoryDpopProofs(db),
    policies: inMemoryPolicies(db),
    authorizationCodes: inMemoryAuthorizationCodes(db),
    browserSessions: inMemoryBrowserSessions(db),
    expiredRecords: inMemoryExpiredRecords(db),
    health: { ping: async () => {} },
  };
}
