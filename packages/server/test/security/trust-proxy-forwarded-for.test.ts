import { networkInterfaces } from 'node:os';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { expectOk, nativeClient } from '../native-auth/native-client.js';

/**
 * Finding 5: `BATON_TRUST_PROXY=true` believes the client's own X-Forwarded-For, so a
 * forged `127.0.0.1, ...` passed for "the machine itself" and escaped the flow-start
 * throttle. Production refuses `true`; elsewhere it warns at start-up; and whatever the
 * setting, only a request whose TCP peer is this machine counts as coming from it.
 */
const production = { NODE_ENV: 'production', BATON_MASTER_KEY: 'k'.repeat(44), BATON_PUBLIC_URL: 'https://id.example.com', BATON_SMTP_URL: 'smtp://mail.example.com:25' };

/** An address of this machine that is not loopback: connecting to it makes the peer look remote. */
const outsideAddress = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe('BATON_TRUST_PROXY=true', () => {
  it('is refused when NODE_ENV=production, with a message naming the alternatives', () => {
    expect(() => loadConfig({ ...production, BATON_TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, BATON_TRUST_PROXY: 'true' })).toThrow(/addresses or CIDR ranges.*number of proxy hops/);
    expect(loadConfig({ ...production, BATON_TRUST_PROXY: '10.0.0.0/8, 192.0.2.7' }).trustProxy).toEqual(['10.0.0.0/8', '192.0.2.7']);
    expect(loadConfig({ ...production, BATON_TRUST_PROXY: '1' }).trustProxy).toBe(1);
  });

  it('outside production, starts but warns once at start-up', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logTo = new Writable({ write(chunk, _e, done) { lines.push(...String(chunk).split('\n').filter(Boolean).map((l) => JSON.parse(l))); done(); } });
    const t = await startTestServer({ logTo, config: { trustProxy: true } });
    try {
      const warnings = lines.filter((l) => l.level === 40 && /BATON_TRUST_PROXY/.test(l.msg));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.msg).toMatch(/X-Forwarded-For/);
    } finally {
      await t.close();
    }
  });
});

describe.skipIf(!outsideAddress)('a forged X-Forwarded-For of 127.0.0.1 from a remote peer', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it.each([['true', true], ['a hop count', 1]] as const)('with BATON_TRUST_PROXY %s, does not pass for this machine: the flow-start throttle holds', async (_name, trustProxy) => {
    t = await startTestServer({ config: { host: outsideAddress!, trustProxy, flowStartsPerMinute: 2 } });
    const base = `http://${outsideAddress}:${t.server.runtime.config.port}/${t.tenant.name}`;
    const attacker = nativeClient(base, t.app.clientId, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    expectOk(await attacker.initiate(t.user.email));
    expectOk(await attacker.initiate(t.user.email));
    expectNativeAuthError(await attacker.initiate(t.user.email), 429, 'slow_down');
  });
});
