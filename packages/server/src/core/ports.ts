/**
 * What the domain needs from storage. storage/repositories implements these for SQLite
 * and PostgreSQL; methods that must be atomic say so and are one transaction there.
 */
import type { App, AuditEvent, ContinuationRecord, Device, RefreshTokenRecord, Session, SigningKey, Tenant, User } from './model.js';

export interface TenantRepository {
  /** False when the name is taken. */
  create(tenant: Tenant): Promise<boolean>;
  list(): Promise<Tenant[]>;
  findByName(name: string): Promise<Tenant | null>;
  findById(id: string): Promise<Tenant | null>;
}

export interface AppRepository {
  create(app: App): Promise<void>;
  find(tenantId: string, clientId: string): Promise<App | null>;
  list(tenantId: string): Promise<App[]>;
}

export interface UserRepository {
  /** Creates the user and, when given, its password hash; false when the email is taken. */
  create(user: User, passwordHash: string | null): Promise<boolean>;
  findByEmail(tenantId: string, email: string): Promise<User | null>;
  findById(tenantId: string, id: string): Promise<User | null>;
  findPasswordHash(userId: string): Promise<string | null>;
}

export interface RotationResult {
  /** True when this call consumed the presented token and stored the successor. */
  rotated: boolean;
}

/** A refresh token with the session it belongs to, read in one query. */
export interface RefreshTokenWithSession {
  token: RefreshTokenRecord;
  session: Session;
}

export interface SessionRepository {
  /** Atomically: the device (if new), the session and its first refresh token. */
  open(device: Device | null, session: Session, token: RefreshTokenRecord): Promise<void>;
  find(id: string): Promise<Session | null>;
  findRefreshToken(digest: string): Promise<RefreshTokenWithSession | null>;
  /**
   * Compare-and-set: marks `presentedDigest` consumed only if it is not yet, and in the
   * same transaction stores `successor` and touches the session. Exactly one of any
   * number of concurrent calls for one token rotates.
   */
  rotate(presentedDigest: string, successor: RefreshTokenRecord, now: number): Promise<RotationResult>;
  /** Revokes the session and every descendant not yet revoked; returns their ids. */
  revokeTree(sessionId: string, reason: string, now: number): Promise<string[]>;
  /** Revokes every session of a user; returns their ids. */
  revokeUser(tenantId: string, userId: string, reason: string, now: number): Promise<string[]>;
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
}

export interface AuditRepository {
  record(event: AuditEvent): Promise<void>;
  list(filter: { tenantId: string; type?: string; userId?: string; limit?: number }): Promise<Array<AuditEvent & { id: number }>>;
}

export interface Repositories {
  tenants: TenantRepository;
  apps: AppRepository;
  users: UserRepository;
  sessions: SessionRepository;
  signingKeys: SigningKeyRepository;
  continuations: ContinuationRepository;
  audit: AuditRepository;
}
