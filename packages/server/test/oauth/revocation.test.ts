import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { getJson, postForm, signInWithPassword } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe.each(engines)('RFC 7009 revocation on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine });
  });
  afterAll(async () => {
    await t?.close();
  });

  const signIn = async () => {
    const res = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    expect(res.status).toBe(200);
    return { ...res.body, sessionId: decodeJwt(res.body.id_token).sid as string };
  };
  const revoke = (token: string | undefined, clientId = t.app.clientId) =>
    postForm(`${t.base}/oauth2/v2.0/revoke`, { client_id: clientId, token });
  const refresh = (refreshToken: string) =>
    postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: t.app.clientId,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
  const userinfo = (accessToken: string) =>
    getJson(`${t.base}/oidc/userinfo`, { authorization: `Bearer ${accessToken}` });
  /** A companion's session under `parentId`, opened the way a handoff will open it. */
  const openChild = async (parentId: string) =>
    (
      await t.services.sessions.open({
        tenant: t.tenant,
        app: t.app,
        user: t.user,
        amr: ['pwd'],
        scope: 'openid profile offline_access',
        device: { name: 'Watch', platform: 'watchOS', kind: 'companion' },
        parent: await t.services.sessions.find(parentId),
      })
    ).refreshToken;

  it('ends the session of a revoked refresh token: no refresh, no userinfo, an audit event', async () => {
    const tokens = await signIn();
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    const res = await revoke(tokens.refresh_token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expectNativeAuthError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
    expectError(await userinfo(tokens.access_token), 401, 'invalid_token');
    const events = await t.services.repos.audit.list({
      tenantId: t.tenant.id,
      type: 'session.revoked',
      userId: t.user.id,
    });
    expect(events.find((e) => e.sessionId === tokens.sessionId)).toMatchObject({
      clientId: t.app.clientId,
      data: { reason: 'revoked_by_client' },
    });
  });

  it("ends the session's children with it", async () => {
    const parent = await signIn();
    const child = await openChild(parent.sessionId);
    const grandchild = await openChild((await t.services.sessions.findByRefreshToken(t.tenant, child))!.session.id);
    expect((await revoke(parent.refresh_token)).status).toBe(200);
    expectNativeAuthError(await refresh(child), 400, 'invalid_grant');
    expectNativeAuthError(await refresh(grandchild), 400, 'invalid_grant');
  });

  it('leaves the parent working when a child is revoked', async () => {
    const parent = await signIn();
    const child = await openChild(parent.sessionId);
    expect((await revoke(child)).status).toBe(200);
    expectNativeAuthError(await refresh(child), 400, 'invalid_grant');
    expect((await refresh(parent.refresh_token)).status).toBe(200);
    expect((await userinfo(parent.access_token)).status).toBe(200);
  });

  it('ends the session of a revoked access token', async () => {
    const tokens = await signIn();
    expect((await revoke(tokens.access_token)).status).toBe(200);
    expectNativeAuthError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
  });

  it('ends the session of a refresh token rotated long ago, no longer stored, and of none for a forged one', async () => {
    const tokens = await signIn();
    let current = tokens.refresh_token;
    for (let count = 0; count < 3; count++) current = (await refresh(current)).body.refresh_token;
    const forged = Buffer.from(tokens.refresh_token, 'base64url');
    forged[forged.length - 1]! ^= 1;
    expect((await revoke(forged.toString('base64url'))).status).toBe(200);
    expect((await t.services.sessions.find(tokens.sessionId))?.revokedAt).toBeNull();
    expect(await t.services.sessions.findByRefreshToken(t.tenant, tokens.refresh_token)).toBeNull();
    expect((await revoke(tokens.refresh_token)).status).toBe(200);
    expect((await t.services.sessions.find(tokens.sessionId))?.revokedReason).toBe('revoked_by_client');
    expectNativeAuthError(await refresh(current), 400, 'invalid_grant');
  });

  it('answers 200 for a token it does not know, and asks for a missing one', async () => {
    expect((await revoke('not-a-token-we-issued')).status).toBe(200);
    expectError(await revoke(undefined), 400, 'invalid_request');
  });

  it("refuses to revoke another client's token and leaves it working", async () => {
    const tokens = await signIn();
    const { app: other } = await t.registerApp({ name: 'Other app' });
    expectError(await revoke(tokens.refresh_token, other.clientId), 400, 'invalid_request');
    expectError(await revoke(tokens.access_token, other.clientId), 400, 'invalid_request');
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
    expect((await t.services.sessions.find(tokens.sessionId))?.revokedAt).toBeNull();
  });

  it('requires a confidential client to authenticate', async () => {
    const { app: confidential, clientSecret } = await t.registerApp({ name: 'Confidential app', type: 'confidential' });
    expectError(await revoke('anything', confidential.clientId), 401, 'invalid_client');
    const res = await postForm(`${t.base}/oauth2/v2.0/revoke`, {
      client_id: confidential.clientId,
      client_secret: clientSecret,
      token: 'anything',
    });
    expect(res.status).toBe(200);
  });
});
