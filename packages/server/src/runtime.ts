import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { insecureSettings, type Config } from './config/config.js';
import type { Clock } from './core/clock.js';
import type { CountryLookup } from './core/ports.js';
import { systemClock } from './core/clock.js';
import { createServices, type Services } from './core/services.js';
import { MasterKey } from './crypto/master-key.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { startMetricsListener, type MetricsListener } from './metrics/metrics-listener.js';
import { createCodeMailer } from './mail/code-mailer.js';
import { createSmsSender } from './sms/gateway-sender.js';
import { migrate, openDatabase, type DatabaseHandle } from './storage/database.js';
import { createRepositories } from './storage/repositories/index.js';
import { openCountryDatabase } from './geo/country-database.js';
import { assertSchemaPresent, assertSqliteFilePresent } from './storage/installation.js';

export interface Runtime {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  services: Services;
  /** Counted only when the metrics listener is configured (`BATON_METRICS_PORT`). */
  metrics: Metrics | undefined;
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it), loads the master key and wires the services. Unless
 * `create` (serve, tenant create), a database or development master key that is not there
 * is refused rather than created (storage/installation.ts).
 */
export async function openRuntime(
  config: Config,
  options: { clock?: Clock; logger?: Logger; create?: boolean } = {},
): Promise<Runtime> {
  const create = options.create ?? true;
  const logger = options.logger ?? createLogger(config.logLevel);
  for (const warning of insecureSettings(config)) logger.warn(warning);
  if (!create) assertSqliteFilePresent(config.databaseUrl);
  const database = openDatabase(config.databaseUrl, {
    onConnectionLost: (error) =>
      logger.warn({ err: error }, 'a database connection was closed by the server; the pool opens another'),
  });
  let masterKey: MasterKey;
  let countries: CountryLookup;
  try {
    countries = openCountryDatabase(config.geoipDatabase);
    if (!create) await assertSchemaPresent(database, config.databaseUrl);
    masterKey = MasterKey.load({ ...config, create }, (message) => logger.warn(message));
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  const metrics = config.metricsPort === undefined ? undefined : createMetrics();
  const services = createServices({
    repos: createRepositories(database, { observeCall: metrics?.observeDatabaseCall }),
    masterKey,
    clock: options.clock ?? systemClock,
    publicUrl: config.publicUrl,
    mailer: createCodeMailer(config, logger),
    sms: createSmsSender(config.smsGateway, logger),
    limits: { flowStartsPerIpPerMinute: config.flowStartsPerMinute },
    telemetry: metrics?.telemetry,
    countries,
    deviceCodeInterval: config.deviceCodeInterval,
  });
  return { config, logger, database, services, metrics, close: () => database.close() };
}

export interface RunningServer {
  runtime: Runtime;
  http: FastifyInstance;
  /** The base URL the server listens on. */
  url: string;
  /** The metrics listener, when `BATON_METRICS_PORT` is set. */
  metrics: MetricsListener | undefined;
  close(): Promise<void>;
}

/** How often a serving process deletes expired short-lived records (core/retention). */
export const sweepIntervalMs = 60_000;

/**
 * Starts the HTTP server on an opened runtime, and the metrics listener when configured
 * (`metricsListener: false` in a worker, whose primary serves the whole group's).
 */
export async function startServer(
  runtime: Runtime,
  { metricsListener: listenForMetrics = true }: { metricsListener?: boolean } = {},
): Promise<RunningServer> {
  // Loaded here, not at the top: every CLI command opens a runtime, and only `serve` pays
  // for loading the HTTP app (about two seconds of module loading under tsx).
  const { buildHttpApp } = await import('./http/app.js');
  const http = await buildHttpApp({
    services: runtime.services,
    publicUrl: runtime.config.publicUrl,
    bodyLimit: runtime.config.bodyLimit,
    requestTimeoutMs: runtime.config.requestTimeoutMs,
    trustProxy: runtime.config.trustProxy,
    admin: { enabled: runtime.config.adminApi, token: runtime.config.adminToken },
    logger: runtime.logger,
    observeRequest: runtime.metrics?.observeRequest,
  });
  const address = await http.listen({ port: runtime.config.port, host: runtime.config.host });
  const { metrics } = runtime;
  const metricsListener =
    metrics && listenForMetrics && runtime.config.metricsPort !== undefined
      ? await startMetricsListener(metrics.registry, {
          host: runtime.config.metricsHost,
          port: runtime.config.metricsPort,
        }).catch(async (error) => {
          await http.close();
          throw error;
        })
      : undefined;
  if (metricsListener) runtime.logger.info({ url: metricsListener.url }, 'metrics listening');
  runtime.database.checkpointInBackground();
  const sweeping = sweepPeriodically(runtime);
  return {
    runtime,
    http,
    url: address,
    metrics: metricsListener,
    async close() {
      await sweeping.stop();
      await metricsListener?.close();
      await http.close();
      await runtime.close();
    },
  };
}

/** Sweeps expired records every `sweepIntervalMs`; a failed sweep is logged and the next one tries again. */
function sweepPeriodically({ services, logger }: Runtime) {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      try {
        const deleted = await services.expiredRecords.sweep();
        if (deleted > 0) logger.info({ deleted }, 'expired records deleted');
      } catch (error) {
        logger.warn({ err: error }, 'sweeping expired records failed');
      }
    });
  }, sweepIntervalMs).unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
