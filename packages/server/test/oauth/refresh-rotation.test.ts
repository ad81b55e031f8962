import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { postForm, signInWithPassword } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe.each(engines)('refresh-token rotation on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine, manualClock: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  const refresh = (refreshToken: string, clientId = t.app.clientId, scope?: string) =>
    postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: clientId,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      scope,
    });

  it('rotates on every use and answers a retry inside the window with the same successor', async () => {
    const signIn = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    expect(signIn.status).toBe(200);
    const first = await refresh(signIn.body.refresh_token);
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(signIn.body.refresh_token);
    t.clock.advance!(5_000);
    const retry = await refresh(signIn.body.refresh_token);
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).toBe(first.body.refresh_token);
    const second = await refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
  });

  it('revokes the whole session when a rotated token comes back after the window', async () => {
    const signIn = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    const first = await refresh(signIn.body.refresh_token);
    t.clock.advance!(11_000);
    const reuse = await refresh(signIn.body.refresh_token);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    const successorAfterReuse = await refresh(first.body.refresh_token);
    expect(successorAfterReuse.status).toBe(400);
    expect(successorAfterReuse.body.error).toBe('invalid_grant');
    const events = await t.services.repos.audit.list({ tenantId: t.tenant.id, type: 'refresh_token.reuse_detected' });
    expect(events.length).toBeGreaterThanOrEqual(1);
  });

  it('revokes the session when a token rotated long ago, no longer stored, comes back; a forged one only fails', async () => {
    const signIn = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    const sessionOf = async (token: string) => (await t.services.sessions.findByRefreshToken(t.tenant, token))?.session;
    const sessionId = (await sessionOf(signIn.body.refresh_token))!.id;
    const tokens: string[] = [signIn.body.refresh_token];
    for (let count = 0; count < 4; count++) tokens.push((await refresh(tokens.at(-1)!)).body.refresh_token);
    const forged = Buffer.from(tokens[1]!, 'base64url');
    forged[forged.length - 1]! ^= 1;
    expectNativeAuthError(await refresh(forged.toString('base64url')), 400, 'invalid_grant');
    expect((await t.services.sessions.find(sessionId))?.revokedAt).toBeNull();
    expect(await sessionOf(tokens[1]!)).toBeUndefined();
    expectNativeAuthError(await refresh(tokens[1]!), 400, 'invalid_grant');
    expect((await t.services.sessions.find(sessionId))?.revokedReason).toBe('refresh_token_reuse');
    expectNativeAuthError(await refresh(tokens[4]!), 400, 'invalid_grant');
  });

  it('gives twenty concurrent refreshes of one token a single successor', async () => {
    const signIn = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(signIn.body.refresh_token)));
    const successors = new Set(results.map((r) => r.body.refresh_token));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(successors.size).toBe(1);
  });

  it('refuses a refresh token presented by another client, and leaves it usable by its own', async () => {
    const signIn = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    const { app: other } = await t.registerApp({ name: 'Other app' });
    expectNativeAuthError(await refresh(signIn.body.refresh_token, other.clientId), 400, 'invalid_grant');
    expect((await refresh(signIn.body.refresh_token)).status).toBe(200);
  });

  it('lets a refresh narrow the scope but not widen it', async () => {
    const signIn = await signInWithPassword(
      t.base,
      t.app.clientId,
      t.user.email,
      t.userPassword,
      'openid profile offline_access api://orders/read',
    );
    expectNativeAuthError(
      await refresh(signIn.body.refresh_token, t.app.clientId, 'openid api://orders/write'),
      400,
      'invalid_scope',
    );
    // A refused refresh must not consume the token: after the retry window it is still the current one.
    t.clock.advance!(11_000);
    const narrowed = await refresh(signIn.body.refresh_token, t.app.clientId, 'openid profile offline_access');
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope.split(' ')).not.toContain('api://orders/read');
    const again = await refresh(narrowed.body.refresh_token, t.app.clientId, 'api://orders/read');
    expect(again.status).toBe(200);
    expect(again.body.scope.split(' ')).toContain('api://orders/read');
  });
});
