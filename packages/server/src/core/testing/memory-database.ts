import type {
  App,
  AuditEvent,
  AuthorizationCode,
  ContinuationRecord,
  Device,
  MfaMethod,
  OneTimeCode,
  RefreshTokenRecord,
  Session,
  SigningKey,
  Tenant,
  TransferTokenRecord,
  DeviceAuthorization,
  User,
} from '../model.js';
import { MemoryTable } from './memory-table.js';
import type { StoredPolicy } from '../ports.js';

export interface PolicyRow extends StoredPolicy {
  tenantId: string;
}

/** A refresh-token row stored before migration 0018: the record and the token it replaced, which its rotation deletes. */
export interface StoredRefreshToken extends RefreshTokenRecord {
  previousDigest: string | null;
}

/** The key of a session's refresh-token slot: its current token and the previous one alternate between two. */
export const sessionSlotKey = (sessionId: string, generation: number) => `${sessionId} ${generation % 2}`;

export interface PasswordCredential {
  userId: string;
  hash: string;
  createdAt: number;
}

export interface AttemptCount {
  key: string;
  failures: number;
  lockedUntil: number;
  updatedAt: number;
}

export interface RequestCounter {
  key: string;
  count: number;
  expiresAt: number;
}

export interface BrowserSessionRow {
  digest: string;
  tenantId: string;
  sessionId: string;
  createdAt: number;
}

/**
 * What the SQL schema holds, as tables in memory. The repositories over it share the
 * tables as the SQL ones share the database (erasing a user reaches its methods, flows and
 * codes), and a test reads the tables to see what was stored.
 */
export function createMemoryDatabase() {
  return {
    tenants: new MemoryTable<Tenant>('tenants', (tenant) => tenant.id),
    apps: new MemoryTable<App>('apps', (app) => app.clientId),
    users: new MemoryTable<User>('users', (user) => user.id),
    credentials: new MemoryTable<PasswordCredential>('credentials', (credential) => credential.userId),
    devices: new MemoryTable<Device>('devices', (device) => device.id),
    /** devices.sso_secret_digest: a device's Native SSO secret digest, by device id. */
    deviceSecrets: new MemoryTable<{ deviceId: string; digest: string }>('device_secrets', (row) => row.deviceId),
    sessions: new MemoryTable<Session>('sessions', (session) => session.id),
    refreshTokens: new MemoryTable<StoredRefreshToken>('refresh_tokens', (token) => token.digest),
    sessionRefreshTokens: new MemoryTable<RefreshTokenRecord>('session_refresh_tokens', (token) =>
      sessionSlotKey(token.sessionId, token.generation),
    ),
    signingKeys: new MemoryTable<SigningKey>('signing_keys', (key) => key.kid),
    continuations: new MemoryTable<ContinuationRecord>('continuation_tokens', (record) => record.digest),
    auditEvents: new MemoryTable<AuditEvent & { id: number }>('audit_events', (event) => String(event.id)),
    codes: new MemoryTable<OneTimeCode>('one_time_codes', (code) => code.id),
    mfaMethods: new MemoryTable<MfaMethod>('mfa_methods', (method) => method.id),
    rateLimits: new MemoryTable<AttemptCount>('rate_limits', (count) => count.key),
    requestCounters: new MemoryTable<RequestCounter>('request_counters', (counter) => counter.key),
    transferTokens: new MemoryTable<TransferTokenRecord>('session_transfer_tokens', (record) => record.digest),
    dpopProofs: new MemoryTable<{ key: string; expiresAt: number }>('dpop_proofs', (proof) => proof.key),
    authorizationCodes: new MemoryTable<AuthorizationCode>('authorization_codes', (code) => code.digest),
    deviceAuthorizations: new MemoryTable<DeviceAuthorization>(
      'device_authorizations',
      (record) => record.deviceCodeDigest,
    ),
    browserSessions: new MemoryTable<BrowserSessionRow>('browser_sessions', (row) => row.digest),
    policies: new MemoryTable<PolicyRow>('policies', (row) => `${row.tenantId} ${row.version}`),
  };
}

export type MemoryDatabase = ReturnType<typeof createMemoryDatabase>;
