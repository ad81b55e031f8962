/** The domain's records: what the rules reason about, free of storage and wire details. */

import type { SigningAlgorithm } from '../crypto/jwt-signer.js';

export type { SigningAlgorithm };
export type AppType = 'public' | 'confidential';
export type ChallengeType = 'password' | 'oob' | 'redirect';
export type DeviceKind = 'primary' | 'companion' | 'browser' | 'service';

export interface Tenant {
  id: string;
  name: string;
  displayName: string;
  signingAlg: SigningAlgorithm;
  codeLength: number;
  /** How the hosted pages look for this tenant. */
  theme: TenantTheme;
  createdAt: number;
}

export interface TenantTheme {
  logoUrl?: string;
  /** A CSS colour for buttons and links, e.g. `#2f6fed`. */
  color?: string;
}

/**
 * What a user may register as a second factor during a sign-in: only the account's own
 * sign-in address (the default), or any address, the sign-in address being told.
 */
export type MfaRegistration = 'own-address' | 'any-address';

export const mfaRegistrations: readonly MfaRegistration[] = ['own-address', 'any-address'];

/**
 * What an app's own `client_credentials` tokens may do in the management API of its
 * tenant: read, or read and change. An app without one has no management access.
 */
export type AdminLevel = 'read' | 'write';

export const adminLevels: readonly AdminLevel[] = ['read', 'write'];

export interface App {
  clientId: string;
  tenantId: string;
  name: string;
  type: AppType;
  /** SHA-256 digest of the client secret; confidential apps only. */
  secretDigest: string | null;
  challengeTypes: ChallengeType[];
  redirectUris: string[];
  allowedOrigins: string[];
  requireMfa: boolean;
  /** Which addresses just-in-time MFA registration takes (docs/security.md). */
  mfaRegistration: MfaRegistration;
  allowRefreshTokenExport: boolean;
  allowSessionTransfer: boolean;
  acceptSessionTransfer: boolean;
  /**
   * The Native SSO group (`--sso-group`): apps of one tenant in one group share a sign-in on
   * a device (core/device-sso). Null: the app shares with no other.
   */
  ssoGroup: string | null;
  /** May start the device authorization grant (RFC 8628, `--device-code`): TVs, cars, consoles. */
  deviceCode: boolean;
  /** Seconds. */
  accessTokenTtl: number;
  idTokenTtl: number;
  refreshRetryWindow: number;
  sessionIdleTtl: number;
  sessionAbsoluteTtl: number;
  /** Attributes sign-up collects for this app, beyond the built-in optional ones. */
  userAttributes: AttributeDefinition[];
  /** Where `/oauth2/v2.0/logout` may send the browser afterwards (exact match). */
  postLogoutRedirectUris: string[];
  /** The scopes `client_credentials` may grant this app (`--scope`); nothing else. */
  scopes: string[];
  /** Management API access of the app's `client_credentials` tokens (`--admin`); confidential apps only. */
  admin: AdminLevel | null;
  createdAt: number;
}

export interface AttributeDefinition {
  name: string;
  type: 'string' | 'boolean' | 'number';
  required: boolean;
  /** A regular expression a string value must match. */
  regex?: string;
  /** The values allowed, when the attribute is a choice. */
  options?: string[];
}

export interface User {
  id: string;
  tenantId: string;
  email: string;
  emailVerified: boolean;
  displayName: string | null;
  attributes: Record<string, unknown>;
  createdAt: number;
}

export interface Device {
  id: string;
  tenantId: string;
  userId: string;
  name: string;
  platform: string;
  kind: DeviceKind;
  /** The client's own id for its installation, when it sends one. */
  installationId: string | null;
  createdAt: number;
}

export interface Session {
  id: string;
  tenantId: string;
  userId: string;
  clientId: string;
  deviceId: string;
  parentId: string | null;
  authTime: number;
  /** Authentication methods references (RFC 8176): `pwd`, `otp`, `mfa`... */
  amr: string[];
  createdAt: number;
  lastUsedAt: number;
  /** Seconds without a refresh after which the session ends. */
  idleTtl: number;
  absoluteExpiresAt: number;
  revokedAt: number | null;
  revokedReason: string | null;
}

export interface RefreshTokenRecord {
  digest: string;
  sessionId: string;
  tenantId: string;
  clientId: string;
  /** 0 for the token issued at sign-in, +1 per rotation. */
  generation: number;
  scope: string;
  /** RFC 7638 thumbprint of the DPoP key the token is bound to. */
  dpopJkt: string | null;
  issuedAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

export interface SigningKey {
  kid: string;
  tenantId: string;
  alg: SigningAlgorithm;
  publicJwk: Record<string, unknown>;
  /** The private JWK, sealed with the master key. */
  privateJwkSealed: string;
  status: 'active' | 'retired';
  createdAt: number;
  retiredAt: number | null;
  expiresAt: number | null;
}

export interface ContinuationRecord {
  digest: string;
  tenantId: string;
  clientId: string;
  flow: string;
  userId: string | null;
  state: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
  /** The deadline of the whole flow this token is a step of. */
  flowExpiresAt: number | null;
}

export interface AuditEvent {
  tenantId: string | null;
  type: string;
  userId?: string | null;
  clientId?: string | null;
  sessionId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  correlationId?: string | null;
  data?: Record<string, unknown>;
  createdAt: number;
}

export interface OneTimeCode {
  id: string;
  tenantId: string;
  flowId: string;
  target: string;
  codeDigest: string;
  attempts: number;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

/** Where a one-time code goes: a mailbox, or a phone by SMS (only with an SMS gateway configured). */
export type CodeChannel = 'email' | 'sms';

export interface MfaMethod {
  id: string;
  tenantId: string;
  userId: string;
  /** An `sms` method's target is an E.164 number. */
  type: CodeChannel;
  target: string;
  createdAt: number;
}

export interface TransferTokenRecord {
  digest: string;
  tenantId: string;
  sessionId: string;
  clientId: string;
  audience: string;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

/** Where a device authorization stands: waiting for the user, decided, or traded for tokens (once). */
export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied' | 'redeemed';

/**
 * A device authorization (RFC 8628): the device polls with its device code, a person
 * approves or denies it with the user code. Both codes are stored only as digests.
 */
export interface DeviceAuthorization {
  deviceCodeDigest: string;
  userCodeDigest: string;
  tenantId: string;
  clientId: string;
  scope: string;
  /** The device as its authorization request described itself, shown to the person approving. */
  device: { name: string; platform: string };
  /** Seconds the device must wait between polls; grows by 5 each time it polls faster. */
  interval: number;
  createdAt: number;
  expiresAt: number;
  lastPolledAt: number | null;
  status: DeviceAuthorizationStatus;
  /** Who approved or denied it, and from which session: the device's session becomes that session's child. */
  userId: string | null;
  approvingSessionId: string | null;
  /** What the policy in force at approval capped the device's session to (`max_session_seconds`). */
  maxSessionSeconds: number | null;
  decidedAt: number | null;
}

export interface AuthorizationCode {
  digest: string;
  tenantId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  nonce: string | null;
  browserSessionId: string;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
  issuedSessionId: string | null;
}

/** Who is asking and from where, for audit events and rate limits. */
/**
 * Where a request comes from: the client's address (from a trusted proxy's X-Forwarded-For,
 * else the peer's) and the TCP peer's own, which no header can change.
 */
export interface ClientAddress {
  ip: string | null;
  peerIp: string | null;
}

export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  correlationId: string;
}
