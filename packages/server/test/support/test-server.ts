import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type DestinationStream } from 'pino';
import { createLogger } from '../../src/logger.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { fixedClock, systemClock, type Clock } from '../../src/core/clock.js';
import type { App, Tenant, User } from '../../src/core/model.js';
import type { RegisterAppInput } from '../../src/core/apps/app-service.js';
import { openRuntime, startServer, type RunningServer } from '../../src/runtime.js';
import { freshDatabaseUrl, type EngineName } from './databases.js';
import { startMailSink, type MailSink } from './mail-sink.js';
import { startSmsSink, type SmsSink } from './sms-sink.js';

export interface TestServer {
  /** Base URL, also the public URL: `${url}/${tenant.name}` is the tenant base. */
  url: string;
  server: RunningServer;
  services: RunningServer['runtime']['services'];
  clock: Clock & { advance?(ms: number): void };
  tenant: Tenant;
  /** A public app allowing every challenge type. */
  app: App;
  /** A user with the password `userPassword`. */
  user: User;
  userPassword: string;
  base: string;
  registerApp(input?: Partial<RegisterAppInput>): Promise<{ app: App; clientSecret?: string }>;
  /** Every one-time code Baton sends lands here. */
  mail: MailSink;
  /** Every text Baton sends lands here, when the server was started with an SMS gateway (`sms`). */
  sms: SmsSink | undefined;
  close(): Promise<void>;
}

export interface TestServerOptions {
  engine?: EngineName;
  manualClock?: boolean;
  publicUrl?: string;
  logTo?: DestinationStream;
  sms?: { timeoutMs?: number };
  config?: Partial<Config>;
}

/**
 * A real Baton server on 127.0.0.1 over a fresh database of `engine`, with a tenant, a
 * public app and a user. Pass `manualClock` to move time by hand, `publicUrl` to serve behind another one,
 * `logTo` to receive Baton's own log lines (info level), `sms` to give it an SMS gateway (a local sink)
 * answering within `sms.timeoutMs`, `config` for any other setting.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const port = await freePort();
  const mail = await startMailSink();
  const sms = options.sms ? await startSmsSink() : undefined;
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig(
    {},
    {
      databaseUrl: await freshDatabaseUrl(options.engine ?? 'sqlite'),
      dataDir: mkdtempSync(join(tmpdir(), 'baton-data-')),
      masterKey: randomBytes(32).toString('base64'),
      port,
      host: '127.0.0.1',
      // Another public URL (https, say) changes issuers and cookie flags; requests still go to `url`.
      publicUrl: options.publicUrl ?? url,
      logLevel: 'silent',
      smtpUrl: mail.url,
      smsGateway: sms && { url: sms.url, token: sms.token, timeoutMs: options.sms?.timeoutMs ?? 5000 },
      production: false,
      ...options.config,
    },
  );
  const clock = options.manualClock ? fixedClock(Date.now()) : systemClock;
  const logger = options.logTo
    ? createLogger('info', options.logTo)
    : pino({ level: process.env.BATON_TEST_LOG ?? 'silent' });
  const runtime = await openRuntime(config, { clock, logger });
  const server = await startServer(runtime);
  const services = runtime.services;
  const tenant = await services.tenants.create({ name: 'acme' });
  const registerApp = (input: Partial<RegisterAppInput> = {}) =>
    services.apps.register(tenant, { name: 'Test app', ...input });
  const { app } = await registerApp();
  const userPassword = 'correct horse battery staple';
  const user = await services.accounts.create(tenant, {
    email: 'ada@example.com',
    password: userPassword,
    displayName: 'Ada Lovelace',
    emailVerified: true,
  });
  return {
    url,
    server,
    services,
    clock,
    tenant,
    app,
    user,
    userPassword,
    base: `${url}/${tenant.name}`,
    registerApp,
    mail,
    sms,
    async close() {
      await server.close();
      await mail.close();
      await sms?.close();
    },
  };
}
