import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { engineOf } from './engine.js';
import { defaults } from './defaults.js';

export interface Config {
  databaseUrl: string;
  port: number;
  host: string;
  publicUrl: string;
  masterKey: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The SMS gateway (`BATON_SMS_GATEWAY_URL` and `_TOKEN`); no phone methods without it. */
  smsGateway: SmsGatewayConfig | undefined;
  logLevel: string;
  adminToken: string | undefined;
  /** Whether `/admin/v1` is served (BATON_ADMIN_API, or by default: see defaults.ts). */
  adminApi: boolean;
  dataDir: string;
  bodyLimit: number;
  requestTimeoutMs: number;
  /** Which proxies' X-Forwarded-For to believe (Fastify's `trustProxy`): none, every one, a hop count, or these addresses. */
  trustProxy: boolean | number | string[];
  /** Flows (sign-in, sign-up, password reset) one IP address may start per minute in a tenant; 0 for no limit. */
  flowStartsPerMinute: number;
  /** The metrics listener's port (`BATON_METRICS_PORT`); no metrics listener without it. */
  metricsPort: number | undefined;
  /** The metrics listener's address (`BATON_METRICS_HOST`), loopback by default. */
  metricsHost: string;
  /** Server processes `baton serve` runs (`BATON_WORKERS`), each a whole server sharing the port. */
  workers: number;
  /** Seconds a device of the device authorization grant is told to wait between polls (`BATON_DEVICE_CODE_INTERVAL`). */
  deviceCodeInterval: number;
  /** The IP country database (`.mmdb`) policies' `request.country` comes from (`BATON_GEOIP_DB`); the bundled one without it. */
  geoipDatabase: string | undefined;
  production: boolean;
}

export interface SmsGatewayConfig {
  url: string;
  token: string;
  timeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment once; insecure development defaults are refused in production. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = overrides.port ?? parsePort(env.BATON_PORT);
  const production = overrides.production ?? env.NODE_ENV === 'production';
  const dataDir = overrides.dataDir ?? env.BATON_DATA_DIR ?? defaults.dataDir;
  const adminToken = overrides.adminToken ?? (env.BATON_ADMIN_TOKEN || undefined);
  const databaseUrl = env.BATON_DATABASE_URL ?? `${dataDir}/baton.db`;
  const config: Config = {
    databaseUrl,
    port,
    host: env.BATON_HOST ?? defaults.host,
    publicUrl: parsePublicUrl(env.BATON_PUBLIC_URL, port),
    masterKey: env.BATON_MASTER_KEY,
    smtpUrl: env.BATON_SMTP_URL,
    mailFrom: env.BATON_MAIL_FROM ?? defaults.mailFrom,
    smsGateway: parseSmsGateway(env.BATON_SMS_GATEWAY_URL, env.BATON_SMS_GATEWAY_TOKEN),
    logLevel: env.BATON_LOG_LEVEL ?? defaults.logLevel,
    adminToken,
    adminApi: parseAdminApi(env.BATON_ADMIN_API, production, adminToken),
    dataDir,
    bodyLimit: defaults.bodyLimit,
    requestTimeoutMs: defaults.requestTimeoutMs,
    trustProxy: parseTrustProxy(env.BATON_TRUST_PROXY),
    flowStartsPerMinute: parseCount(
      'BATON_FLOW_STARTS_PER_MINUTE',
      env.BATON_FLOW_STARTS_PER_MINUTE,
      defaults.flowStartsPerMinute,
    ),
    metricsPort: env.BATON_METRICS_PORT?.trim() ? parsePort(env.BATON_METRICS_PORT, 'BATON_METRICS_PORT') : undefined,
    metricsHost: env.BATON_METRICS_HOST?.trim() || defaults.metricsHost,
    workers: parseInRange('BATON_WORKERS', env.BATON_WORKERS, defaultWorkers(overrides.databaseUrl ?? databaseUrl), {
      min: 1,
      max: 64,
      unit: 'processes',
    }),
    deviceCodeInterval: parseInRange(
      'BATON_DEVICE_CODE_INTERVAL',
      env.BATON_DEVICE_CODE_INTERVAL,
      defaults.deviceCodeInterval,
      { min: 1, max: 60, unit: 'seconds' },
    ),
    geoipDatabase: env.BATON_GEOIP_DB?.trim() || undefined,
    production,
    ...overrides,
  };
  if (config.metricsPort !== undefined && config.metricsPort !== 0 && config.metricsPort === config.port)
    throw new ConfigError(
      `BATON_METRICS_PORT must differ from BATON_PORT (both are ${config.port}): metrics have a listener of their own`,
    );
  if (config.production) {
    if (!config.masterKey) throw new ConfigError('BATON_MASTER_KEY is required when NODE_ENV=production');
    if (!config.publicUrl.startsWith('https://'))
      throw new ConfigError('BATON_PUBLIC_URL must be an https:// URL when NODE_ENV=production');
    if (!config.smtpUrl)
      throw new ConfigError(
        'BATON_SMTP_URL is required when NODE_ENV=production: one-time codes must be mailed, not logged',
      );
    if (config.trustProxy === true)
      throw new ConfigError(`BATON_TRUST_PROXY=true is refused when NODE_ENV=production: ${trustEveryPeer}`);
    if (config.adminToken !== undefined && config.adminToken.length < minAdminTokenLength)
      throw new ConfigError(
        `BATON_ADMIN_TOKEN must be at least ${minAdminTokenLength} characters when NODE_ENV=production (openssl rand -base64 32 makes one)`,
      );
  }
  return config;
}

/** Why `BATON_TRUST_PROXY=true` is unsafe, and what to set instead. */
const trustEveryPeer =
  'it believes any X-Forwarded-For, including one the client wrote itself, so a client can choose the address it is throttled and counted under. ' +
  'Name your proxies instead: their addresses or CIDR ranges separated by commas (BATON_TRUST_PROXY=10.0.0.0/8), or the number of proxy hops in front of Baton (BATON_TRUST_PROXY=1)';

/**
 * What a configuration accepted outside production would be refused in it: each is logged
 * as a warning once, when the server starts.
 */
export function insecureSettings(config: Config): string[] {
  return config.trustProxy === true ? [`BATON_TRUST_PROXY=true would be refused in production: ${trustEveryPeer}`] : [];
}

/** The shortest operator token production accepts: it opens every tenant, so it must not be guessable. */
const minAdminTokenLength = 32;

/**
 * `BATON_ADMIN_API`: `on` or `off`. Unset, the management API is served, except in
 * production without an operator token: there it stays closed until asked for (`on`, for
 * apps created with `--admin`), so a deployment that never configured it exposes nothing.
 */
function parseAdminApi(value: string | undefined, production: boolean, adminToken: string | undefined): boolean {
  const text = value?.trim().toLowerCase() ?? '';
  if (text === 'on') return true;
  if (text === 'off') return false;
  if (text !== '') throw new ConfigError(`BATON_ADMIN_API must be "on" or "off", got "${value}"`);
  return !production || adminToken !== undefined;
}

function parsePublicUrl(value: string | undefined, port: number): string {
  if (value === undefined || value.trim() === '') return `http://localhost:${port}`;
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new ConfigError(
      `BATON_PUBLIC_URL must be an absolute http(s) URL without query or fragment, such as https://id.example.com; got "${value}"`,
    );
  }
  return trimSlash(value);
}

/**
 * `BATON_SMS_GATEWAY_URL` and `BATON_SMS_GATEWAY_TOKEN`, both or neither. The URL is https,
 * or http to a loopback address (a bridge on the same machine): codes and the bearer secret
 * never cross a network in the clear.
 */
function parseSmsGateway(url: string | undefined, token: string | undefined): SmsGatewayConfig | undefined {
  const urlText = url?.trim() ?? '';
  const tokenText = token?.trim() ?? '';
  if (urlText === '' && tokenText === '') return undefined;
  if (urlText === '')
    throw new ConfigError('BATON_SMS_GATEWAY_TOKEN is set without BATON_SMS_GATEWAY_URL: set both, or neither');
  const parsed = URL.canParse(urlText) ? new URL(urlText) : null;
  const loopback = parsed !== null && /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(parsed.hostname);
  if (!parsed || !(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback)) || parsed.username)
    throw new ConfigError(
      `BATON_SMS_GATEWAY_URL must be an https:// URL (or http:// to a loopback address), without credentials in it; got "${url}"`,
    );
  if (tokenText === '')
    throw new ConfigError(
      'BATON_SMS_GATEWAY_TOKEN is required with BATON_SMS_GATEWAY_URL: the gateway must know Baton',
    );
  return { url: parsed.href, token: tokenText, timeoutMs: defaults.smsGatewayTimeoutMs };
}

function parsePort(value: string | undefined, name = 'BATON_PORT'): number {
  if (value === undefined || value === '') return defaults.port;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65535)
    throw new ConfigError(`${name} must be a port number, got "${value}"`);
  return port;
}

/**
 * One server process per core on PostgreSQL. On an SQLite file, one: every write of every
 * process takes the file's single write lock, and bench/RESULTS.md shows a second process
 * adds no refreshes per second there.
 */
function defaultWorkers(databaseUrl: string): number {
  return engineOf(databaseUrl) === 'sqlite' ? 1 : availableParallelism();
}

/** A whole number of `unit` from `min` to `max`, or `fallback` when unset. */
function parseInRange(
  name: string,
  value: string | undefined,
  fallback: number,
  { min, max, unit }: { min: number; max: number; unit: string },
): number {
  if (value === undefined || value.trim() === '') return fallback;
  const text = value.trim();
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new ConfigError(`${name} must be a number of ${unit} from ${min} to ${max}, got "${value}"`);
  return Number(text);
}

function parseCount(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  if (!/^\d+$/.test(value.trim()))
    throw new ConfigError(`${name} must be a whole number (0 for no limit), got "${value}"`);
  return Number(value.trim());
}

/**
 * `BATON_TRUST_PROXY`: unset or `false` (the client address is the peer's), `true` (every
 * peer is a proxy: only when nothing else can reach Baton), a number of proxy hops, or a
 * comma-separated list of proxy addresses and CIDR ranges.
 */
function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!family || !prefixOk || extra !== undefined) {
      throw new ConfigError(
        `BATON_TRUST_PROXY must be true, false, a hop count, or proxy addresses and CIDR ranges separated by commas; "${entry}" is none of these`,
      );
    }
  }
  return entries;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
