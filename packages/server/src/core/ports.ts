/**
 * What the domain needs from storage. storage/repositories implements these for SQLite
 * and PostgreSQL; methods that must be atomic say so and are one transaction there.
 */
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
} from './model.js';
import type { RefreshTokenClaims } from './sessions/refresh-token-format.js';
import type { PolicyDocument } from './policy/policy-document.js';

export interface TenantRepository {
  /** False when the name is taken. */
  create(tenant: Tenant): Promise<boolean>;
  list(): Promise<Tenant[]>;
  findByName(name: string): Promise<Tenant | null>;
  findById(id: string): Promise<Tenant | null>;
  /** Writes the tenant's settings (everything but its id, name and creation time). */
  update(tenant: Tenant): Promise<void>;
  /**
   * Deletes the tenant and everything in it, in one transaction: apps, users and their
   * credentials, methods, devices, sessions and tokens, signing keys, pending flows and
   * codes, and its audit trail. False when there was no such tenant.
   */
  delete(tenantId: string): Promise<boolean>;
}

export interface AppRepository {
  create(app: App): Promise<void>;
  find(tenantId: string, clientId: string): Promise<App | null>;
  list(tenantId: string): Promise<App[]>;
  /** Writes the app's settings and secret digest (everything but its ids, type and creation time). */
  update(app: App): Promise<void>;
  /** False when there was no such app. */
  delete(tenantId: string, clientId: string): Promise<boolean>;
}

/** Where a page of users ends: users are listed oldest first, ties in id order. */
export interface UserPosition {
  createdAt: number;
  id: string;
}

export interface UserRepository {
  /** Creates the user and, when given, its password hash; false when the email is taken. */
  create(user: User, passwordHash: string | null): Promise<boolean>;
  findByEmail(tenantId: string, email: string): Promise<User | null>;
  findById(tenantId: string, id: string): Promise<User | null>;
  /**
   * The tenant's accounts (erased ones left out), oldest first, after `after` when given,
   * at most `limit`; only the one with `email` (normalised) when given.
   */
  list(tenantId: string, filter: { email?: string; after?: UserPosition; limit: number }): Promise<User[]>;
  /** Writes the profile: email verification, display name and attributes. */
  update(user: User): Promise<void>;
  findPasswordHash(userId: string): Promise<string | null>;
  /** Sets (or replaces) the user's password hash. */
  setPasswordHash(userId: string, hash: string, now: number): Promise<void>;
  /**
   * Erases what identifies the user, in one transaction: the row keeps only its id (so
   * sessions, tokens and audit events still refer to something) under `tombstoneEmail`;
   * credentials, MFA methods, pending flows and codes sent to the address are deleted, and
   * device names and installation ids are blanked.
   */
  erase(user: User, tombstoneEmail: string): Promise<void>;
}

/**
 * A presented refresh token as storage looks it up: its digest, and the session and
 * generation it carries under a valid MAC (null for a token issued before migration 0014,
 * or a forged one).
 */
export interface PresentedRefreshToken {
  digest: string;
  claims: RefreshTokenClaims | null;
}

export interface RotationResult {
  /** True when this call consumed the presented token and stored the successor. */
  rotated: boolean;
}

/** A refresh token with the session it belongs to and the session's user (null once deleted), read in one query. */
export interface RefreshTokenWithSession {
  token: RefreshTokenRecord;
  session: Session;
  user: User | null;
  /** The installation of the session's device, when Baton's SDK named it at sign-in. */
  installationId: string | null;
  /** What the session's device is, as it said at sign-in (what policies read as `device.*`). */
  device: Pick<Device, 'kind' | 'platform'> | null;
}

export interface SessionRepository {
  /**
   * Atomically: the device (if new), the session and its first refresh token; false (and
   * nothing written) when the session has a parent that is revoked by then, or (Native SSO)
   * when its device no longer holds the secret whose digest `deviceSecretDigest` is.
   */
  open(
    device: Device | null,
    session: Session,
    token: RefreshTokenRecord,
    options?: { deviceSecretDigest?: string },
  ): Promise<boolean>;
  /** A device, with the digest of its Native SSO secret (null when it has none, or it was revoked). */
  findDevice(deviceId: string): Promise<(Device & { ssoSecretDigest: string | null }) | null>;
  /** Gives the session's device a new Native SSO secret (replacing any); false when the session is revoked by then. */
  setDeviceSecret(sessionId: string, secretDigest: string): Promise<boolean>;
  find(id: string): Promise<Session | null>;
  /** Records activity on a session that has no refresh token of its own in use (a browser SSO session). */
  touch(id: string, now: number): Promise<void>;
  /**
   * A stored refresh token: a session's current or previous one, in the slot its claims name
   * (its digest checked too); else, by digest alone, one stored before migration 0018, until
   * it expires.
   */
  findRefreshToken(presented: PresentedRefreshToken): Promise<RefreshTokenWithSession | null>;
  /**
   * Compare-and-set: marks the presented token consumed where it is stored, only if it is
   * not yet, and in the same transaction writes `successor` into its session's slot
   * (`generation % 2`, replacing the token before the presented one: a session keeps its
   * current and previous token only) and touches the session. Exactly one of any number of
   * concurrent calls for one token rotates. A presented token stored before migration 0018
   * stays, consumed, until it expires (the row before it goes).
   */
  rotate(presented: PresentedRefreshToken, successor: RefreshTokenRecord, now: number): Promise<RotationResult>;
  /** Brings the session's absolute expiry forward to `until` (a policy's `max_session_seconds`); never pushes it back. */
  capLifetime(sessionId: string, until: number): Promise<void>;
  /**
   * Revokes the session and every descendant not yet revoked; returns their ids. On a device
   * with a Native SSO secret, atomically: the secret is revoked, and with it every session on
   * the device (of every app) and their descendants.
   */
  revokeTree(sessionId: string, reason: string, now: number): Promise<string[]>;
  /** Revokes every session of a user, and the Native SSO secrets of the user's devices; returns their ids. */
  revokeUser(tenantId: string, userId: string, reason: string, now: number): Promise<string[]>;
  /** Revokes every session an app opened, and their descendants (of any app); returns their ids. */
  revokeClient(tenantId: string, clientId: string, reason: string, now: number): Promise<string[]>;
  listByUser(tenantId: string, userId: string): Promise<Array<Session & { device: Device }>>;
}

export interface SigningKeyRepository {
  /** Keys that sign or still verify: the active one and retired ones not yet expired. */
  listPublished(tenantId: string, now: number): Promise<SigningKey[]>;
  /** Atomically retires the current active key (kept until `retiredExpiresAt`) and adds `key` as active. */
  activate(key: SigningKey, now: number, retiredExpiresAt: number): Promise<void>;
}

export interface ContinuationRepository {
  insert(record: ContinuationRecord): Promise<void>;
  find(digest: string): Promise<ContinuationRecord | null>;
  /** Deletes the token; true for exactly one of any concurrent callers. */
  consume(digest: string): Promise<boolean>;
  /** Deletes every open flow of an account; returns how many. */
  deleteForUser(userId: string): Promise<number>;
}

export interface AuditFilter {
  tenantId: string;
  type?: string;
  /** Only events of one of these types. */
  types?: readonly string[];
  userId?: string;
  /** Only events recorded at or after this time (ms since the epoch). */
  since?: number;
  /** Only events recorded before this time (ms since the epoch). */
  until?: number;
  /** Only events numbered below this one: the page after an event already seen. */
  beforeId?: number;
  limit?: number;
}

export interface AuditRepository {
  record(event: AuditEvent): Promise<void>;
  /** How many events the filter names (its `limit` aside). */
  count(filter: AuditFilter): Promise<number>;
  /** Newest first; `beforeId` continues a listing after the last event it showed. */
  list(filter: AuditFilter): Promise<Array<AuditEvent & { id: number }>>;
  /** Deletes up to `limit` of the oldest events recorded before `before` (of one tenant, or of all); returns how many. */
  deleteBefore(before: number, limit: number, tenantId?: string): Promise<number>;
}

export interface OneTimeCodeRepository {
  insert(code: OneTimeCode): Promise<void>;
  /** The newest code of a flow, whatever its state. */
  latest(flowId: string): Promise<OneTimeCode | null>;
  /** Counts a wrong attempt; false when the code had no attempts left. */
  recordFailure(id: string, maxAttempts: number): Promise<boolean>;
  /** Marks the code used; true for exactly one of any concurrent callers, and only while attempts remain. */
  consume(id: string, now: number, maxAttempts: number): Promise<boolean>;
}

export interface MfaMethodRepository {
  /** False when the user already has this method. */
  add(method: MfaMethod): Promise<boolean>;
  list(userId: string): Promise<MfaMethod[]>;
}

export interface RateLimitState {
  failures: number;
  lockedUntil: number;
}

export interface RateLimitReservation extends RateLimitState {
  allowed: boolean;
  /** What the reservation replaced and wrote, so a refund can put it back. */
  undo: { lockedUntil: number; updatedAt: number; wroteLockedUntil: number; wroteUpdatedAt: number };
}

export interface RateLimitRepository {
  get(key: string): Promise<RateLimitState | null>;
  /**
   * Atomically, unless `key` is locked at `now`: counts one attempt as a failure before it
   * is checked (restarting the count when both the last failure and the end of the last
   * lockout are older than `windowMs`, so lockouts longer than the window keep growing) and
   * applies the lockout `lockFor(failures)` gives, in ms. A locked key counts nothing:
   * `allowed` is false. Counting first means attempts racing each other see each other.
   */
  reserve(
    key: string,
    now: number,
    policy: { windowMs: number; lockFor: (failures: number) => number },
  ): Promise<RateLimitReservation>;
  /** Takes back a reserved attempt that did not fail: one failure fewer, and the lockout and time it set undone unless a later one replaced them. */
  refund(key: string, reservation: RateLimitReservation): Promise<void>;
  clear(key: string): Promise<void>;
}

export interface RequestCount {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** When the current window ends and the count starts again (ms since the epoch). */
  windowEndsAt: number;
}

export interface RequestCounterRepository {
  /** Atomically counts one request for `key` in a fixed window of `windowMs` (a new window starts once the last has ended). */
  count(key: string, now: number, windowMs: number): Promise<RequestCount>;
}

export interface TransferTokenRepository {
  insert(record: TransferTokenRecord): Promise<void>;
  find(digest: string): Promise<TransferTokenRecord | null>;
  /** Marks the token used; true for exactly one of any concurrent callers, on any instance. */
  consume(digest: string, now: number): Promise<boolean>;
}

/** What a decision on a pending device authorization records. */
export interface DeviceDecision {
  status: 'approved' | 'denied';
  userId: string;
  approvingSessionId: string;
  maxSessionSeconds: number | null;
  decidedAt: number;
}

export interface DeviceAuthorizationRepository {
  /** False when the user code is taken (a collision: the caller draws another). */
  insert(record: DeviceAuthorization): Promise<boolean>;
  findByDeviceCode(digest: string): Promise<DeviceAuthorization | null>;
  findByUserCode(digest: string): Promise<DeviceAuthorization | null>;
  /**
   * Records a poll at `now`. Atomic: when the last poll was less than the interval ago the
   * interval grows by `slowDownSeconds` and the answer is `tooFast`, so of two polls at
   * the same moment on two instances one is too fast.
   */
  poll(deviceCodeDigest: string, now: number, slowDownSeconds: number): Promise<{ tooFast: boolean }>;
  /** Approves or denies a pending, unexpired authorization; true for exactly one of any concurrent callers. */
  decide(deviceCodeDigest: string, decision: DeviceDecision): Promise<boolean>;
  /** Marks an approved authorization redeemed; true for exactly one of any concurrent callers, on any instance. */
  redeem(deviceCodeDigest: string): Promise<boolean>;
}

export interface DpopReplayRepository {
  /**
   * Remembers a proof until `expiresAt`; false when it was seen before and is still
   * remembered at `now` (a replay). One statement: proofs past their expiry are forgotten by
   * the sweep (ExpiredRecordRepository), or replaced here when their key comes again.
   */
  remember(key: string, expiresAt: number, now: number): Promise<boolean>;
}

/** One version of a tenant's conditional-access document. */
export interface StoredPolicy {
  version: number;
  document: PolicyDocument;
  createdAt: number;
  /** The actor who set it (AdminCaller.actor). */
  createdBy: string;
}

export interface PolicyRepository {
  /** The tenant's newest version, or null when it never had a document. */
  latest(tenantId: string): Promise<StoredPolicy | null>;
  /** Only the newest version's number, 0 when there is none: what every instance polls. */
  latestVersion(tenantId: string): Promise<number>;
  /** Adds `policy` as a version of the tenant's document; false when another set took that version first. */
  add(tenantId: string, policy: StoredPolicy): Promise<boolean>;
}

/** Where an address is: ISO 3166 alpha-2, `""` when unknown (core/policy's `request.country`). */
export interface CountryLookup {
  countryOf(ip: string): string;
}

export const noCountries: CountryLookup = { countryOf: () => '' };

export interface AuthorizationCodeRepository {
  insert(code: AuthorizationCode): Promise<void>;
  find(digest: string): Promise<AuthorizationCode | null>;
  /** Marks the code used; true for exactly one of any concurrent callers. */
  consume(digest: string, now: number): Promise<boolean>;
  /** Remembers the session the exchange opened, so a replay can revoke it. */
  setIssuedSession(digest: string, sessionId: string): Promise<void>;
}

export interface BrowserSessionRepository {
  insert(digest: string, tenantId: string, sessionId: string, now: number): Promise<void>;
  /** The session an SSO cookie stands for. */
  find(digest: string, tenantId: string): Promise<string | null>;
  delete(digest: string): Promise<void>;
}

/** Why a one-time code is sent; it picks the wording of the message. */
export type CodePurpose = 'sign-up' | 'sign-in' | 'reset-password' | 'mfa' | 'register';

export interface CodeMessage {
  to: string;
  code: string;
  purpose: CodePurpose;
  /** The tenant's display name, shown as the sender and in the text. */
  senderName: string;
  expiresInMinutes: number;
}

/**
 * Delivers one-time codes (SMTP, or the log in development). Throws `AddressRefused` when
 * the mail server refuses the address for good and `MailUnavailable` when it cannot take
 * the message now (otp/code-delivery.ts).
 */
export interface CodeMailer {
  sendCode(message: CodeMessage): Promise<void>;
}

/**
 * Tells an account's sign-in address that a verification method was added to the account,
 * so its owner notices one they did not add. It carries no code.
 */
export interface MethodAddedNotice {
  to: string;
  /** The added address, masked as `introspect` shows it. */
  method: string;
  senderName: string;
}

/** A text message to a phone. */
export interface TextMessage {
  /** The number in E.164 form (`+31612345678`). */
  to: string;
  text: string;
}

/**
 * Sends text messages through the operator's SMS gateway (`BATON_SMS_GATEWAY_URL`); only
 * when one is configured does Baton offer phone methods. Throws `AddressRefused` when the
 * gateway refuses the number for good and `SmsUnavailable` when it cannot take the message
 * now (otp/code-delivery.ts).
 */
export interface SmsSender {
  sendText(message: TextMessage): Promise<void>;
}

/** Every mail Baton sends: one-time codes and notices. */
export interface Mailer extends CodeMailer {
  sendMethodAdded(notice: MethodAddedNotice): Promise<void>;
}

export interface ExpiredRecordRepository {
  /**
   * Deletes up to `limit` records of each kind that expires (continuation tokens, one-time
   * codes, session transfer tokens, authorization codes, request counts, refresh tokens, DPoP proofs)
   * that expired before `before`, and as many attempt counts whose last failure and lockout both ended
   * before it; returns how many it deleted in all.
   */
  deleteExpired(before: number, limit: number): Promise<number>;
}

export interface DatabaseHealth {
  /** Resolves when the database answers a trivial query; rejects with the driver's error otherwise. */
  ping(): Promise<void>;
}

/**
 * What the domain tells operators' counters (the metrics listener): every audit event by its
 * type, the refresh outcomes too frequent to audit (`refresh_token.rotated`,
 * `refresh_token.retried`), and what a tenant's policy costs. Write-only: no decision reads
 * it back.
 */
export interface Telemetry {
  count(event: string): void;
  /** The rules in force evaluated at `at` against one request's facts, in `seconds`. */
  policyEvaluated(at: string, seconds: number): void;
}

export const noTelemetry: Telemetry = { count() {}, policyEvaluated() {} };

export interface Repositories {
  tenants: TenantRepository;
  apps: AppRepository;
  users: UserRepository;
  sessions: SessionRepository;
  signingKeys: SigningKeyRepository;
  continuations: ContinuationRepository;
  audit: AuditRepository;
  codes: OneTimeCodeRepository;
  mfaMethods: MfaMethodRepository;
  rateLimits: RateLimitRepository;
  requestCounters: RequestCounterRepository;
  transferTokens: TransferTokenRepository;
  deviceAuthorizations: DeviceAuthorizationRepository;
  dpopProofs: DpopReplayRepository;
  policies: PolicyRepository;
  authorizationCodes: AuthorizationCodeRepository;
  browserSessions: BrowserSessionRepository;
  expiredRecords: ExpiredRecordRepository;
  health: DatabaseHealth;
}
