import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type {
  App,
  AuditEvent,
  ContinuationRecord,
  Device,
  RefreshTokenRecord,
  Session,
  SigningKey,
  Tenant,
  User,
} from '../../src/core/model.js';
import type { PresentedRefreshToken, Repositories } from '../../src/core/ports.js';
import { migrate, openDatabase, type DatabaseHandle } from '../../src/storage/database.js';
import { createRepositories } from '../../src/storage/repositories/index.js';
import { freshDatabaseUrl, type EngineName } from '../support/databases.js';

/** A start time for records; tests move it forward by hand. */
export const t0 = Date.UTC(2026, 0, 1);

export interface Store {
  /** The database's BATON_DATABASE_URL, for a second connection to it. */
  url: string;
  handle: DatabaseHandle;
  repos: Repositories;
}

/** A migrated, empty database of `engine` for one describe block, closed after it. */
export function useStore(engine: EngineName): () => Store {
  let store: Store | undefined;
  beforeAll(async () => {
    const url = await freshDatabaseUrl(engine);
    const handle = openDatabase(url);
    await migrate(handle);
    store = { url, handle, repos: createRepositories(handle) };
  });
  afterAll(async () => {
    await store?.handle.close();
  });
  return () => {
    if (!store) throw new Error('The store opens in beforeAll');
    return store;
  };
}

export const aTenant = (fields: Partial<Tenant> = {}): Tenant => ({
  id: randomUUID(),
  name: `t-${randomUUID().slice(0, 8)}`,
  displayName: 'Tenant',
  signingAlg: 'ES256',
  codeLength: 8,
  theme: {},
  createdAt: t0,
  ...fields,
});

export const anApp = (tenantId: string, fields: Partial<App> = {}): App => ({
  clientId: randomUUID(),
  tenantId,
  name: 'App',
  type: 'public',
  secretDigest: null,
  challengeTypes: ['password'],
  redirectUris: [],
  allowedOrigins: [],
  requireMfa: false,
  mfaRegistration: 'own-address',
  allowRefreshTokenExport: false,
  allowSessionTransfer: false,
  acceptSessionTransfer: false,
  ssoGroup: null,
  deviceCode: false,
  accessTokenTtl: 3600,
  idTokenTtl: 3600,
  refreshRetryWindow: 10,
  sessionIdleTtl: 3600,
  sessionAbsoluteTtl: 86_400,
  userAttributes: [],
  postLogoutRedirectUris: [],
  scopes: [],
  admin: null,
  createdAt: t0,
  ...fields,
});

export const aUser = (tenantId: string, fields: Partial<User> = {}): User => ({
  id: randomUUID(),
  tenantId,
  email: `${randomUUID()}@example.com`,
  emailVerified: true,
  displayName: null,
  attributes: {},
  createdAt: t0,
  ...fields,
});

export const aDevice = (user: User, fields: Partial<Device> = {}): Device => ({
  id: randomUUID(),
  tenantId: user.tenantId,
  userId: user.id,
  name: 'Phone',
  platform: 'android',
  kind: 'primary',
  installationId: null,
  createdAt: t0,
  ...fields,
});

export const aSession = (user: User, deviceId: string, fields: Partial<Session> = {}): Session => ({
  id: randomUUID(),
  tenantId: user.tenantId,
  userId: user.id,
  clientId: 'client',
  deviceId,
  parentId: null,
  authTime: t0,
  amr: ['pwd'],
  createdAt: t0,
  lastUsedAt: t0,
  idleTtl: 3600,
  absoluteExpiresAt: t0 + 86_400_000,
  revokedAt: null,
  revokedReason: null,
  ...fields,
});

export const aToken = (session: Session, fields: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  digest: randomUUID(),
  sessionId: session.id,
  tenantId: session.tenantId,
  clientId: session.clientId,
  generation: 0,
  scope: 'openid profile offline_access',
  dpopJkt: null,
  issuedAt: t0,
  expiresAt: t0 + 3_600_000,
  consumedAt: null,
  ...fields,
});

/** How a token of `token`'s session and generation is presented to storage, its MAC right. */
export const presentedAs = (token: RefreshTokenRecord): PresentedRefreshToken => ({
  digest: token.digest,
  claims: { sessionId: token.sessionId, generation: token.generation },
});

export const aSigningKey = (tenantId: string, fields: Partial<SigningKey> = {}): SigningKey => ({
  kid: randomUUID(),
  tenantId,
  alg: 'ES256',
  publicJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
  privateJwkSealed: 'v1.iv.body',
  status: 'active',
  createdAt: t0,
  retiredAt: null,
  expiresAt: null,
  ...fields,
});

export const aContinuation = (tenantId: string, fields: Partial<ContinuationRecord> = {}): ContinuationRecord => ({
  digest: randomUUID(),
  tenantId,
  clientId: 'client',
  flow: 'sign-in',
  userId: null,
  state: {},
  createdAt: t0,
  expiresAt: t0 + 600_000,
  flowExpiresAt: null,
  ...fields,
});

export const anEvent = (tenantId: string, fields: Partial<AuditEvent> = {}): AuditEvent => ({
  tenantId,
  type: 'test.event',
  userId: null,
  clientId: null,
  sessionId: null,
  ip: null,
  userAgent: null,
  correlationId: null,
  data: {},
  createdAt: t0,
  ...fields,
});

export async function storedTenant(repos: Repositories): Promise<Tenant> {
  const tenant = aTenant();
  await repos.tenants.create(tenant);
  return tenant;
}

/** A user of a new tenant, stored; sessions need both (foreign keys). */
export async function storedUser(repos: Repositories): Promise<User> {
  const tenant = await storedTenant(repos);
  const user = aUser(tenant.id);
  await repos.users.create(user, null);
  return user;
}

/** Opens a session with its first refresh token on a new device, or on `existingDeviceId` (then `device` is not stored). */
export async function openedSession(
  repos: Repositories,
  user: User,
  fields: Partial<Session> = {},
  existingDeviceId?: string,
) {
  const newDevice = aDevice(user);
  const session = aSession(user, existingDeviceId ?? newDevice.id, fields);
  const token = aToken(session);
  await repos.sessions.open(existingDeviceId ? null : newDevice, session, token);
  return { device: newDevice, session, token };
}
