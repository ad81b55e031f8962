import type { Repositories } from '../../core/ports.js';
import type { DatabaseHandle } from '../database.js';
import { reportingOutages } from '../database-unavailable.js';
import { appRepository } from './app-repository.js';
import { auditRepository } from './audit-repository.js';
import { continuationRepository } from './continuation-repository.js';
import { sessionRepository } from './session-repository.js';
import { signingKeyRepository } from './signing-key-repository.js';
import { tenantRepository } from './tenant-repository.js';
import { userRepository } from './user-repository.js';
import { mfaMethodRepository } from './mfa-method-repository.js';
import { oneTimeCodeRepository } from './one-time-code-repository.js';
import { rateLimitRepository } from './rate-limit-repository.js';
import { requestCounterRepository } from './request-counter-repository.js';
import { dpopReplayRepository } from './dpop-replay-repository.js';
import { transferTokenRepository } from './transfer-token-repository.js';
import { deviceAuthorizationRepository } from './device-authorization-repository.js';
import { authorizationCodeRepository } from './authorization-code-repository.js';
import { browserSessionRepository } from './browser-session-repository.js';
import { cachedApps, cachedTenants } from './lookup-cache.js';
import { expiredRecordRepository } from './expired-record-repository.js';
import { policyRepository } from './policy-repository.js';
import { timingCalls } from '../repository-calls.js';

export interface RepositoryOptions {
  /** Told how long each repository call took, as `repository.method` and seconds (the metrics' database latency). */
  observeCall?: (name: string, seconds: number) => void;
}

/** Baton's repositories over an open database; a database that does not answer is `DatabaseUnavailable`. */
export function createRepositories(
  { db, sql }: Pick<DatabaseHandle, 'db' | 'sql'>,
  { observeCall }: RepositoryOptions = {},
): Repositories {
  const repositories = reportingOutages({
    tenants: cachedTenants(tenantRepository(db)),
    apps: cachedApps(appRepository(db)),
    users: userRepository(sql),
    sessions: sessionRepository(sql),
    signingKeys: signingKeyRepository(sql),
    continuations: continuationRepository(sql),
    audit: auditRepository(sql),
    codes: oneTimeCodeRepository(db),
    mfaMethods: mfaMethodRepository(db),
    rateLimits: rateLimitRepository(sql),
    requestCounters: requestCounterRepository(sql),
    transferTokens: transferTokenRepository(db),
    deviceAuthorizations: deviceAuthorizationRepository(db),
    dpopProofs: dpopReplayRepository(sql),
    policies: policyRepository(sql),
    authorizationCodes: authorizationCodeRepository(db),
    browserSessions: browserSessionRepository(db),
    expiredRecords: expiredRecordRepository(sql),
    health: {
      ping: async () => {
        await sql.query('SELECT 1', []);
      },
    },
  });
  return observeCall ? timingCalls(repositories, observeCall) : repositories;
}
