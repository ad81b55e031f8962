import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { postForm, signInWithPassword } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',');
    if (wanted.every((label) => present.includes(label))) return Number(match[3]);
  }
  return undefined;
}

describe.each(engines)('Prometheus metrics on %s', (engine) => {
  let t: TestServer;
  const scrape = async () => {
    const answer = await fetch(t.server.metrics!.url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return answer.text();
  };
  const refresh = (refreshToken: string) =>
    postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: t.app.clientId,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });

  beforeAll(async () => {
    t = await startTestServer({ engine, manualClock: true, config: { metricsPort: 0 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('listens on loopback, apart from the public port', () => {
    expect(t.server.metrics?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(t.server.metrics!.url).port).not.toBe(new URL(t.url).port);
  });

  it('counts a refresh as rotated, its retry as retried, and reuse after the window as reuse_revoked', async () => {
    const rotation = (outcome: string, text: string) => sample(text, 'baton_refresh_rotations_total', { outcome }) ?? 0;
    const before = await scrape();
    const signIn = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    expect((await refresh(signIn.body.refresh_token)).status).toBe(200);
    expect(rotation('rotated', await scrape())).toBe(rotation('rotated', before) + 1);
    expect((await refresh(signIn.body.refresh_token)).status).toBe(200);
    expect(rotation('retried', await scrape())).toBe(rotation('retried', before) + 1);
    t.clock.advance!(11_000);
    expect((await refresh(signIn.body.refresh_token)).status).toBe(400);
    const after = await scrape();
    expect(rotation('reuse_revoked', after)).toBe(rotation('reuse_revoked', before) + 1);
    expect(rotation('rotated', after)).toBe(rotation('rotated', before) + 1);
  });

  it('counts sign-ins by outcome and audit events by type', async () => {
    const before = await scrape();
    const count = (text: string, name: string, labels: Record<string, string>) => sample(text, name, labels) ?? 0;
    await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    await signInWithPassword(t.base, t.app.clientId, t.user.email, 'not the password at all');
    const after = await scrape();
    for (const outcome of ['succeeded', 'failed'])
      expect(count(after, 'baton_sign_ins_total', { outcome })).toBe(
        count(before, 'baton_sign_ins_total', { outcome }) + 1,
      );
    expect(count(after, 'baton_audit_events_total', { type: 'sign_in.failed' })).toBe(
      count(before, 'baton_audit_events_total', { type: 'sign_in.failed' }) + 1,
    );
  });

  it('labels requests by route pattern, never by URL or tenant, and times them and the database calls', async () => {
    await refresh('not-a-refresh-token');
    const text = await scrape();
    const tokenRoute = { route: '/:tenant/oauth2/v2.0/token', method: 'POST' };
    expect(sample(text, 'baton_http_requests_total', { ...tokenRoute, status: '400' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'baton_http_request_duration_seconds_count', tokenRoute)).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'baton_database_call_duration_seconds_count', { call: 'sessions.rotate' })).toBeGreaterThan(0);
    expect(text).not.toContain(t.tenant.name);
    expect(text).not.toContain(t.app.clientId);
  });

  it("times the tenant's policy at each refresh it is evaluated at, and nothing while the tenant has no rules", async () => {
    const evaluations = (text: string) => sample(text, 'baton_policy_evaluation_seconds_count', { at: 'refresh' }) ?? 0;
    const signIn = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    const before = await scrape();
    expect((await refresh(signIn.body.refresh_token)).status).toBe(200);
    expect(evaluations(await scrape())).toBe(evaluations(before));

    const operator = { actor: 'operator', context: { ip: null, userAgent: null, correlationId: 'test' } };
    const rule = {
      name: 'no-kiosks',
      state: 'enabled',
      at: ['refresh'],
      when: "device.kind == 'kiosk'",
      then: { block: true },
    };
    await t.services.policies.set(t.tenant, { rules: [rule] }, operator);
    try {
      const next = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
      expect((await refresh(next.body.refresh_token)).status).toBe(200);
      const after = await scrape();
      expect(evaluations(after)).toBe(evaluations(before) + 1);
      expect(sample(after, 'baton_policy_evaluation_seconds_sum', { at: 'refresh' })).toBeGreaterThan(0);
      expect(sample(after, 'baton_policy_evaluation_seconds_count', { at: 'sign_in' }) ?? 0).toBe(0);
    } finally {
      await t.services.policies.set(t.tenant, { rules: [] }, operator);
    }
  });

  it('reports the password-hash queue and the process', async () => {
    const text = await scrape();
    expect(sample(text, 'baton_password_hash_queue_depth')).toBe(0);
    expect(sample(text, 'baton_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'baton_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('answers only GET /metrics', async () => {
    const url = new URL(t.server.metrics!.url);
    expect((await fetch(new URL('/', url))).status).toBe(404);
    const post = await fetch(url, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('without BATON_METRICS_PORT', () => {
  it('opens no metrics listener and counts nothing', async () => {
    const t = await startTestServer();
    try {
      expect(t.server.metrics).toBeUndefined();
      expect(t.server.runtime.metrics).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
