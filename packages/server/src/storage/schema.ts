/**
 * Table shapes, the rows the repositories read and write. One schema serves SQLite and
 * PostgreSQL: times are epoch milliseconds (bigint), flags are 0/1 integers, lists and
 * maps are JSON text. A column that holds one of a domain type's values has that type:
 * only the repositories write these tables, and they write nothing else.
 */
import type { Generated } from 'kysely';
import type {
  AdminLevel,
  AppType,
  DeviceAuthorizationStatus,
  DeviceKind,
  MfaMethod,
  MfaRegistration,
  SigningAlgorithm,
  SigningKey,
} from '../core/model.js';

export interface TenantsTable {
  id: string;
  name: string;
  display_name: string;
  signing_alg: SigningAlgorithm;
  code_length: number;
  /** JSON: `{ logoUrl?, color? }` for the hosted pages. */
  theme: string;
  created_at: number;
}

export interface AppsTable {
  client_id: string;
  tenant_id: string;
  name: string;
  type: AppType;
  secret_digest: string | null;
  challenge_types: string;
  redirect_uris: string;
  allowed_origins: string;
  require_mfa: number;
  mfa_registration: MfaRegistration;
  allow_refresh_token_export: number;
  allow_session_transfer: number;
  accept_session_transfer: number;
  /** The Native SSO group (0017), or null. */
  sso_group: string | null;
  device_code: number;
  access_token_ttl: number;
  id_token_ttl: number;
  refresh_retry_window: number;
  session_idle_ttl: number;
  session_absolute_ttl: number;
  user_attributes: string;
  post_logout_redirect_uris: string;
  /** JSON array of the scopes client_credentials may grant. */
  scopes: string;
  /** Management API access (`read`, `write`), or null for none. */
  admin: AdminLevel | null;
  created_at: number;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  email: string;
  email_verified: number;
  display_name: string | null;
  attributes: string;
  created_at: number;
}

export interface CredentialsTable {
  id: string;
  user_id: string;
  type: string;
  secret: string;
  created_at: number;
}

export interface DevicesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  name: string;
  platform: string;
  kind: DeviceKind;
  /** The client's own id for its installation, when it sends one (Baton's SDK does). */
  installation_id: string | null;
  created_at: number;
  /** SHA-256 digest of the device's Native SSO secret (0017); null when it has none or it was revoked. */
  sso_secret_digest: string | null;
}

export interface SessionsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  client_id: string;
  device_id: string;
  parent_id: string | null;
  auth_time: number;
  amr: string;
  created_at: number;
  last_used_at: number;
  idle_ttl: number;
  absolute_expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
}

/** What both refresh-token tables keep of a token. */
export interface RefreshTokenColumns {
  digest: string;
  session_id: string;
  tenant_id: string;
  client_id: string;
  generation: number;
  scope: string;
  dpop_jkt: string | null;
  issued_at: number;
  expires_at: number;
  consumed_at: number | null;
}

/** Refresh tokens stored before migration 0018, found by digest until they expire (session_refresh_tokens since). */
export interface RefreshTokensTable extends RefreshTokenColumns {
  /** The token this one replaced, whose row the next rotation deletes (null at sign-in and before 0014). */
  previous_digest: string | null;
}

/** A session's refresh token in slot `generation % 2`: its current one and the one it replaced (migration 0018). */
export interface SessionRefreshTokensTable extends RefreshTokenColumns {
  slot: number;
}

export interface SigningKeysTable {
  kid: string;
  tenant_id: string;
  alg: SigningAlgorithm;
  public_jwk: string;
  private_jwk_sealed: string;
  status: SigningKey['status'];
  created_at: number;
  retired_at: number | null;
  /** When a retired key leaves the JWKS. */
  expires_at: number | null;
}

export interface ContinuationTokensTable {
  digest: string;
  tenant_id: string;
  client_id: string;
  flow: string;
  user_id: string | null;
  state: string;
  created_at: number;
  expires_at: number;
  /** Deadline of the whole flow; null for tokens stored before flows had one. */
  flow_expires_at: number | null;
}

export interface AuditEventsTable {
  id: Generated<number>;
  tenant_id: string | null;
  type: string;
  user_id: string | null;
  client_id: string | null;
  session_id: string | null;
  ip: string | null;
  user_agent: string | null;
  correlation_id: string | null;
  data: string;
  created_at: number;
}

export interface OneTimeCodesTable {
  id: string;
  tenant_id: string;
  /** The native-auth flow the code was sent for; a code is only good in its own flow. */
  flow_id: string;
  target: string;
  /** Keyed HMAC of the code: a 6-8 digit code is too short for a bare hash. */
  code_digest: string;
  attempts: number;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface MfaMethodsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  type: MfaMethod['type'];
  target: string;
  created_at: number;
}

export interface RateLimitsTable {
  key: string;
  failures: number;
  locked_until: number;
  updated_at: number;
}

/** A count of requests for one key in one fixed window, which ends at `expires_at`. */
export interface RequestCountersTable {
  key: string;
  count: number;
  expires_at: number;
}

export interface SessionTransferTokensTable {
  digest: string;
  tenant_id: string;
  /** The session being handed off; the redeemer's session becomes its child. */
  session_id: string;
  client_id: string;
  audience: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface DeviceAuthorizationsTable {
  device_code_digest: string;
  user_code_digest: string;
  tenant_id: string;
  client_id: string;
  scope: string;
  device_name: string;
  device_platform: string;
  poll_interval: number;
  created_at: number;
  expires_at: number;
  last_polled_at: number | null;
  status: DeviceAuthorizationStatus;
  user_id: string | null;
  /** The session that approved or denied; the device's session becomes its child. */
  approving_session_id: string | null;
  max_session_seconds: number | null;
  decided_at: number | null;
}

export interface DpopProofsTable {
  /** Digest of the proof key's thumbprint and the proof's jti. */
  key: string;
  expires_at: number;
}

export interface AuthorizationCodesTable {
  digest: string;
  tenant_id: string;
  client_id: string;
  redirect_uri: string;
  /** PKCE S256 challenge. */
  code_challenge: string;
  scope: string;
  nonce: string | null;
  /** The browser SSO session the code was issued from; the app's session becomes its child. */
  browser_session_id: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  /** The session the code's exchange opened, revoked if the code is replayed. */
  issued_session_id: string | null;
}

export interface BrowserSessionsTable {
  /** Digest of the SSO cookie's value. */
  digest: string;
  tenant_id: string;
  session_id: string;
  created_at: number;
}

export interface PoliciesTable {
  tenant_id: string;
  version: number;
  /** JSON: the document as it was set (core/policy/policy-document.ts). */
  document: string;
  created_at: number;
  /** Who set it: `cli:<user>`, `operator` or `app:<client_id>`. */
  created_by: string;
}

export interface Database {
  tenants: TenantsTable;
  apps: AppsTable;
  users: UsersTable;
  credentials: CredentialsTable;
  devices: DevicesTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  session_refresh_tokens: SessionRefreshTokensTable;
  signing_keys: SigningKeysTable;
  continuation_tokens: ContinuationTokensTable;
  audit_events: AuditEventsTable;
  one_time_codes: OneTimeCodesTable;
  mfa_methods: MfaMethodsTable;
  rate_limits: RateLimitsTable;
  request_counters: RequestCountersTable;
  session_transfer_tokens: SessionTransferTokensTable;
  device_authorizations: DeviceAuthorizationsTable;
  dpop_proofs: DpopProofsTable;
  authorization_codes: AuthorizationCodesTable;
  browser_sessions: BrowserSessionsTable;
  policies: PoliciesTable;
}
