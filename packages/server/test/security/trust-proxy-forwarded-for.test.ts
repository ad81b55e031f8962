import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Finding 5: `BATON_TRUST_PROXY=true` believes the client's own X-Forwarded-For, so a
 * forged `127.0.0.1, ...` passed for "the machine itself" and escaped the flow-start
 * throttle. Production refuses `true`; elsewhere it warns at start-up; and whatever the
 * setting, only a request whose TCP peer is this machine counts as coming from it.
 */
const production = {
  NODE_ENV: 'production',
  BATON_MASTER_KEY: 'k'.repeat(44),
  BATON_PUBLIC_URL: 'https://id.example.com',
  BATON_SMTP_URL: 'smtp://mail.example.com:25',
};

describe('BATON_TRUST_PROXY=true', () => {
  it('is refused when NODE_ENV=production, with a message naming the alternatives', () => {
    expect(() => loadConfig({ ...production, BATON_TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, BATON_TRUST_PROXY: 'true' })).toThrow(
      /addresses or CIDR ranges.*number of proxy hops/,
    );
    expect(loadConfig({ ...production, BATON_TRUST_PROXY: '10.0.0.0/8, 192.0.2.7' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.0.2.7',
    ]);
    expect(loadConfig({ ...production, BATON_TRUST_PROXY: '1' }).trustProxy).toBe(1);
  });

  it('outside production, starts but warns once at start-up', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logTo = new Writable({
      write(chunk, _e, done) {
        lines.push(
          ...String(chunk)
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l)),
        );
        done();
      },
    });
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

/**
 * A request as a remote client sends it: the server's own HTTP stack, with the TCP peer
 * set to a documentation address (light-my-request), so no traffic leaves loopback.
 */
function initiateFrom(t: TestServer, peer: string, forwardedFor: string) {
  return t.server.http.inject({
    method: 'POST',
    url: `/${t.tenant.name}/oauth2/v2.0/initiate`,
    remoteAddress: peer,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
    payload: new URLSearchParams({
      client_id: t.app.clientId,
      username: t.user.email,
      challenge_type: 'password redirect',
    }).toString(),
  });
}

describe('a forged X-Forwarded-For of 127.0.0.1 from a remote peer', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it.each([
    ['true', true],
    ['a hop count', 1],
  ] as const)(
    'with BATON_TRUST_PROXY %s, does not pass for this machine: the flow-start throttle holds',
    async (_name, trustProxy) => {
      t = await startTestServer({ config: { trustProxy, flowStartsPerMinute: 2 } });
      expect((await initiateFrom(t, '203.0.113.9', '127.0.0.1')).statusCode).toBe(200);
      expect((await initiateFrom(t, '203.0.113.9', '127.0.0.1')).statusCode).toBe(200);
      const refused = await initiateFrom(t, '203.0.113.9', '127.0.0.1');
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ error: 'slow_down' });
    },
  );

  it('a request whose peer and forwarded address are both loopback is still this machine (not throttled)', async () => {
    t = await startTestServer({ config: { trustProxy: 1, flowStartsPerMinute: 1 } });
    for (let i = 0; i < 3; i++) expect((await initiateFrom(t, '127.0.0.1', '127.0.0.1')).statusCode).toBe(200);
  });
});
