import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, insecureSettings, loadConfig } from './config.js';
import { defaults } from './defaults.js';

const productionEnv = {
  NODE_ENV: 'production',
  BATON_MASTER_KEY: 'a'.repeat(64),
  BATON_PUBLIC_URL: 'https://id.example.com',
  BATON_SMTP_URL: 'smtp://127.0.0.1:2525',
};

describe('loadConfig', () => {
  it('runs on the embedded defaults with an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      databaseUrl: './data/baton.db',
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8080',
      masterKey: undefined,
      smtpUrl: undefined,
      mailFrom: defaults.mailFrom,
      logLevel: 'info',
      adminToken: undefined,
      adminApi: true,
      dataDir: './data',
      bodyLimit: defaults.bodyLimit,
      trustProxy: false,
      flowStartsPerMinute: 60,
      metricsPort: undefined,
      metricsHost: '127.0.0.1',
      workers: 1,
      deviceCodeInterval: 5,
      production: false,
    });
  });

  it("reads the device authorization grant's poll interval from BATON_DEVICE_CODE_INTERVAL, 1 to 60 seconds", () => {
    expect(loadConfig({ BATON_DEVICE_CODE_INTERVAL: ' 2 ' }).deviceCodeInterval).toBe(2);
    for (const value of ['0', '61', '1.5', 'soon'])
      expect(() => loadConfig({ BATON_DEVICE_CODE_INTERVAL: value })).toThrow(
        /BATON_DEVICE_CODE_INTERVAL must be a number of seconds from 1 to 60/,
      );
  });

  it('reads the IP country database from BATON_GEOIP_DB, the bundled one without it', () => {
    expect(loadConfig({}).geoipDatabase).toBeUndefined();
    expect(loadConfig({ BATON_GEOIP_DB: ' /srv/geo/countries.mmdb ' }).geoipDatabase).toBe('/srv/geo/countries.mmdb');
  });

  it('opens the metrics listener on BATON_METRICS_PORT, on loopback unless BATON_METRICS_HOST says otherwise', () => {
    expect(loadConfig({ BATON_METRICS_PORT: '9464' })).toMatchObject({ metricsPort: 9464, metricsHost: '127.0.0.1' });
    expect(loadConfig({ BATON_METRICS_PORT: '9464', BATON_METRICS_HOST: '0.0.0.0' }).metricsHost).toBe('0.0.0.0');
  });

  it.each(['metrics', '-1', '70000'])('refuses BATON_METRICS_PORT=%j, naming it', (value) => {
    expect(() => loadConfig({ BATON_METRICS_PORT: value })).toThrow(/BATON_METRICS_PORT must be a port number/);
  });

  it('runs one worker per core on PostgreSQL and one on an SQLite file, unless BATON_WORKERS says', () => {
    expect(loadConfig({ BATON_DATABASE_URL: 'postgres://db/baton' }).workers).toBe(availableParallelism());
    expect(loadConfig({}, { databaseUrl: 'postgresql://db/baton' }).workers).toBe(availableParallelism());
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ BATON_WORKERS: '3' }).workers).toBe(3);
  });

  it.each(['0', 'two', '-1', '1.5', '65'])('refuses BATON_WORKERS=%j, naming it', (value) => {
    expect(() => loadConfig({ BATON_WORKERS: value })).toThrow(
      /BATON_WORKERS must be a number of processes from 1 to 64/,
    );
  });

  it('refuses a metrics port that is the HTTP port', () => {
    expect(() => loadConfig({ BATON_PORT: '9000', BATON_METRICS_PORT: '9000' })).toThrow(
      /BATON_METRICS_PORT must differ from BATON_PORT/,
    );
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      BATON_DATABASE_URL: 'postgres://baton@db/baton',
      BATON_PORT: '9090',
      BATON_HOST: '0.0.0.0',
      BATON_PUBLIC_URL: 'https://id.example.com//',
      BATON_MASTER_KEY: 'key',
      BATON_SMTP_URL: 'smtp://127.0.0.1:2525',
      BATON_MAIL_FROM: 'id@example.com',
      BATON_LOG_LEVEL: 'warn',
      BATON_ADMIN_TOKEN: 'admin',
      BATON_DATA_DIR: '/var/lib/baton',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://baton@db/baton',
      port: 9090,
      host: '0.0.0.0',
      publicUrl: 'https://id.example.com',
      masterKey: 'key',
      smtpUrl: 'smtp://127.0.0.1:2525',
      mailFrom: 'id@example.com',
      logLevel: 'warn',
      adminToken: 'admin',
      dataDir: '/var/lib/baton',
    });
  });

  it('offers no phone methods without BATON_SMS_GATEWAY_URL, and reads the gateway with its token', () => {
    expect(loadConfig({}).smsGateway).toBeUndefined();
    expect(
      loadConfig({ BATON_SMS_GATEWAY_URL: 'https://sms.example.com/send', BATON_SMS_GATEWAY_TOKEN: ' secret ' })
        .smsGateway,
    ).toEqual({ url: 'https://sms.example.com/send', token: 'secret', timeoutMs: defaults.smsGatewayTimeoutMs });
    expect(
      loadConfig({ BATON_SMS_GATEWAY_URL: 'http://127.0.0.1:7000/sms', BATON_SMS_GATEWAY_TOKEN: 't' }).smsGateway?.url,
    ).toBe('http://127.0.0.1:7000/sms');
  });

  it.each([
    'sms.example.com/send',
    'http://sms.example.com/send',
    'ftp://127.0.0.1/sms',
    'https://user:pass@sms.example.com/send',
  ])('refuses BATON_SMS_GATEWAY_URL=%j, naming it', (url) => {
    expect(() => loadConfig({ BATON_SMS_GATEWAY_URL: url, BATON_SMS_GATEWAY_TOKEN: 't' })).toThrow(
      /BATON_SMS_GATEWAY_URL must be an https:\/\/ URL/,
    );
  });

  it('refuses an SMS gateway without its token, and a token without a gateway', () => {
    expect(() => loadConfig({ BATON_SMS_GATEWAY_URL: 'https://sms.example.com/send' })).toThrow(
      /BATON_SMS_GATEWAY_TOKEN is required/,
    );
    expect(() => loadConfig({ BATON_SMS_GATEWAY_TOKEN: 't' })).toThrow(/without BATON_SMS_GATEWAY_URL/);
  });

  it('derives the database file and the public URL from the data folder and the port', () => {
    expect(loadConfig({ BATON_DATA_DIR: '/srv/baton', BATON_PORT: '3000' })).toMatchObject({
      databaseUrl: '/srv/baton/baton.db',
      publicUrl: 'http://localhost:3000',
    });
  });

  it.each(['80', '65535', '0', ''])('accepts BATON_PORT=%j', (value) => {
    expect(loadConfig({ BATON_PORT: value }).port).toBe(value === '' ? 8080 : Number(value));
  });

  it.each(['http', '-1', '65536', '80.5', '8080abc'])('refuses BATON_PORT=%j', (value) => {
    expect(() => loadConfig({ BATON_PORT: value })).toThrow(ConfigError);
  });

  it.each([
    ['false', false],
    ['true', true],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    [' 10.0.0.0/8, 192.168.1.7 ,fd00::/8', ['10.0.0.0/8', '192.168.1.7', 'fd00::/8']],
    ['::1', ['::1']],
  ])('reads BATON_TRUST_PROXY=%j as %j', (value, expected) => {
    expect(loadConfig({ BATON_TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('refuses BATON_TRUST_PROXY=true in production and lists it among the insecure settings elsewhere', () => {
    expect(() => loadConfig({ ...productionEnv, BATON_TRUST_PROXY: 'true' })).toThrow(
      /BATON_TRUST_PROXY=true is refused when NODE_ENV=production/,
    );
    expect(insecureSettings(loadConfig({ BATON_TRUST_PROXY: 'true' }))).toEqual([
      expect.stringMatching(/^BATON_TRUST_PROXY=true/),
    ]);
    expect(insecureSettings(loadConfig({ BATON_TRUST_PROXY: '1' }))).toEqual([]);
  });

  it.each(['yes', 'proxy.example.com', '10.0.0.0/33', '10.0.0.1/8/1', 'fd00::/129', '10.0.0.1,,10.0.0.2', '-1'])(
    'refuses BATON_TRUST_PROXY=%j, naming the variable',
    (value) => {
      expect(() => loadConfig({ BATON_TRUST_PROXY: value })).toThrow(/BATON_TRUST_PROXY/);
    },
  );

  it.each([
    ['0', 0],
    ['120', 120],
    [' 5 ', 5],
  ])('reads BATON_FLOW_STARTS_PER_MINUTE=%j (0: no limit)', (value, expected) => {
    expect(loadConfig({ BATON_FLOW_STARTS_PER_MINUTE: value }).flowStartsPerMinute).toBe(expected);
  });

  it.each(['notaurl', 'ftp://id.example.com', 'https://id.example.com/?x=1', 'https://id.example.com/#top'])(
    'refuses BATON_PUBLIC_URL=%j, naming the variable',
    (value) => {
      expect(() => loadConfig({ BATON_PUBLIC_URL: value })).toThrow(
        /BATON_PUBLIC_URL must be an absolute http\(s\) URL/,
      );
    },
  );

  it('takes a public URL with a path, without its trailing slash', () => {
    expect(loadConfig({ BATON_PUBLIC_URL: 'https://example.com/identity/' }).publicUrl).toBe(
      'https://example.com/identity',
    );
  });

  it.each(['-1', '1.5', 'many'])('refuses BATON_FLOW_STARTS_PER_MINUTE=%j, naming the variable', (value) => {
    expect(() => loadConfig({ BATON_FLOW_STARTS_PER_MINUTE: value })).toThrow(/BATON_FLOW_STARTS_PER_MINUTE/);
  });

  it.each([
    ['on', true],
    [' OFF ', false],
    ['off', false],
  ])('reads BATON_ADMIN_API=%j', (value, expected) => {
    expect(loadConfig({ BATON_ADMIN_API: value, BATON_ADMIN_TOKEN: 'admin' }).adminApi).toBe(expected);
  });

  it('refuses BATON_ADMIN_API other than on or off, naming the variable', () => {
    expect(() => loadConfig({ BATON_ADMIN_API: 'yes' })).toThrow(/BATON_ADMIN_API/);
  });

  it('takes an empty BATON_ADMIN_TOKEN as none', () => {
    expect(loadConfig({ BATON_ADMIN_TOKEN: '' }).adminToken).toBeUndefined();
  });

  it('lets overrides win over the environment', () => {
    expect(loadConfig({ BATON_PORT: '9090' }, { port: 1234, publicUrl: 'http://127.0.0.1:1234' })).toMatchObject({
      port: 1234,
      publicUrl: 'http://127.0.0.1:1234',
    });
  });

  describe('in production', () => {
    it('starts with a master key and an https public URL', () => {
      expect(loadConfig(productionEnv)).toMatchObject({
        production: true,
        masterKey: productionEnv.BATON_MASTER_KEY,
        publicUrl: 'https://id.example.com',
      });
    });

    it('refuses to start without BATON_MASTER_KEY', () => {
      expect(() => loadConfig({ ...productionEnv, BATON_MASTER_KEY: undefined })).toThrow(/BATON_MASTER_KEY/);
      expect(() => loadConfig({ ...productionEnv, BATON_MASTER_KEY: '' })).toThrow(ConfigError);
    });

    it('refuses to start without an https public URL', () => {
      expect(() => loadConfig({ ...productionEnv, BATON_PUBLIC_URL: 'http://id.example.com' })).toThrow(
        /BATON_PUBLIC_URL/,
      );
      expect(() => loadConfig({ ...productionEnv, BATON_PUBLIC_URL: undefined })).toThrow(ConfigError);
    });

    it('keeps the management API closed without BATON_ADMIN_TOKEN unless BATON_ADMIN_API=on', () => {
      expect(loadConfig(productionEnv).adminApi).toBe(false);
      expect(loadConfig({ ...productionEnv, BATON_ADMIN_API: 'on' }).adminApi).toBe(true);
      expect(loadConfig({ ...productionEnv, BATON_ADMIN_TOKEN: 'x'.repeat(32) }).adminApi).toBe(true);
      expect(loadConfig({ ...productionEnv, BATON_ADMIN_TOKEN: 'x'.repeat(32), BATON_ADMIN_API: 'off' }).adminApi).toBe(
        false,
      );
    });

    it('refuses a BATON_ADMIN_TOKEN shorter than 32 characters', () => {
      expect(() => loadConfig({ ...productionEnv, BATON_ADMIN_TOKEN: 'admin' })).toThrow(/BATON_ADMIN_TOKEN/);
    });

    it('applies the same checks when production is set by override', () => {
      expect(() => loadConfig({}, { production: true })).toThrow(ConfigError);
    });
  });
});
