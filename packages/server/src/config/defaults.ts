/**
 * Every setting Baton reads, with its default. docs/configuration.md is written from
 * these comments; keep the two in step.
 */
export const defaults = {
  /** `BATON_DATABASE_URL`: an SQLite file path, or a `postgres://` URL. */
  databaseUrl: './data/baton.db',
  /** `BATON_PORT`: the HTTP port. */
  port: 8080,
  /** `BATON_HOST`: the address to listen on. */
  host: '127.0.0.1',
  /** `BATON_PUBLIC_URL`: base of every issuer and link; defaults to `http://localhost:{port}`. */
  publicUrl: undefined as string | undefined,
  /** `BATON_MASTER_KEY`: 32 bytes (base64 or hex) that encrypt signing keys at rest; generated into `./data/master.key` outside production. */
  masterKey: undefined as string | undefined,
  /** `BATON_SMTP_URL`: `smtp://host:port`; without it, outside production, one-time codes go to the log. */
  smtpUrl: undefined as string | undefined,
  /** `BATON_MAIL_FROM`: the sender address of every message. */
  mailFrom: 'no-reply@baton.localhost',
  /** `BATON_LOG_LEVEL`: pino level (`fatal` ... `trace`, or `silent`). */
  logLevel: 'info',
  /** `BATON_ADMIN_TOKEN`: the operator's bearer token for the management API at `/admin/v1` (every tenant); at least 32 characters in production. */
  adminToken: undefined as string | undefined,
  /** `BATON_ADMIN_API`: `on` or `off`; unset, the management API is on, except in production without BATON_ADMIN_TOKEN (set `on` to serve apps created with `--admin` alone). */
  adminApi: undefined as 'on' | 'off' | undefined,
  /** `BATON_DATA_DIR`: where the development master key and the default database live. */
  dataDir: './data',
  /** `BATON_TRUST_PROXY`: whose X-Forwarded-For names the client (unset: nobody's; the peer address is the client). `true` is refused in production. */
  trustProxy: false,
  /** `BATON_FLOW_STARTS_PER_MINUTE`: sign-ins, sign-ups and password resets one IP address may start per minute in a tenant (0: no limit). */
  flowStartsPerMinute: 60,
  /** `BATON_METRICS_PORT`: opens a second listener with Prometheus `/metrics` on this port (unset: no metrics listener). */
  metricsPort: undefined as number | undefined,
  /** `BATON_METRICS_HOST`: the metrics listener's address; loopback, so only this machine can scrape it unless changed. */
  metricsHost: '127.0.0.1',
  /** `BATON_WORKERS`: server processes `baton serve` runs, each a whole server on the same port; one per core on PostgreSQL, one on an SQLite file. */
  workers: undefined as number | undefined,
  /** `BATON_SMS_GATEWAY_URL`: the operator's SMS gateway, which Baton POSTs `{"to", "body"}` to (https, or http to a loopback bridge); without it there are no phone (SMS) methods. */
  smsGatewayUrl: undefined as string | undefined,
  /** `BATON_SMS_GATEWAY_TOKEN`: the bearer secret sent to the SMS gateway; required with BATON_SMS_GATEWAY_URL. */
  smsGatewayToken: undefined as string | undefined,
  /** Milliseconds Baton waits for the SMS gateway to accept a message before telling the user to try again. */
  smsGatewayTimeoutMs: 5_000,
  /** `BATON_DEVICE_CODE_INTERVAL`: seconds a TV or console is told to wait between polls of the device authorization grant (RFC 8628 suggests 5); 1 to 60. */
  deviceCodeInterval: 5,
  /** Largest request body accepted, in bytes. */
  bodyLimit: 64 * 1024,
  /** Milliseconds a request may take to arrive in full, headers and body; no Baton request needs long. */
  requestTimeoutMs: 30_000,
} as const;

/** Lifetimes and windows an app registration starts with (seconds). */
export const appDefaults = {
  accessTokenTtl: 3600,
  idTokenTtl: 3600,
  /** How long a rotated refresh token may be presented again and get the same successor. */
  refreshRetryWindow: 10,
  /** A session not refreshed for this long ends. */
  sessionIdleTtl: 14 * 24 * 3600,
  /** A session ends this long after sign-in, however active. */
  sessionAbsoluteTtl: 90 * 24 * 3600,
} as const;

/** Tenant-wide settings. */
export const tenantDefaults = {
  signingAlgorithm: 'ES256' as const,
  /** How long a retired signing key stays in the JWKS after a rotation, so tokens it signed still verify. */
  keyRetirementOverlap: 24 * 3600,
  /** Lifetime of a native-auth continuation token (each step gets a new one). */
  continuationTokenTtl: 10 * 60,
  /** How long a whole native-auth flow (sign-up, reset, sign-in with MFA...) may take from its first step. */
  maxFlowLifetime: 30 * 60,
};
