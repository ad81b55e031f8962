import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { postForm, signInWithPassword } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Raw export (parity with platforms that let an app copy its refresh token): a client
 * naming its installation cannot use a token issued to another one, unless the app was
 * registered with --allow-refresh-token-export, and then every such use is audited.
 */
describe.each(engines)('refresh-token export on %s', (engine) => {
  let t: TestServer;
  let exporting: App;
  beforeAll(async () => {
    t = await startTestServer({ engine, manualClock: true });
    ({ app: exporting } = await t.registerApp({ name: 'Exporting app', allowRefreshTokenExport: true }));
  });
  afterAll(async () => {
    await t?.close();
  });

  const signIn = async (app: App, installationId?: string) => {
    const res = await signInWithPassword(
      t.base,
      app.clientId,
      t.user.email,
      t.userPassword,
      'openid profile offline_access',
      installationId ? { installation_id: installationId } : {},
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { refreshToken: res.body.refresh_token as string, sessionId: decodeJwt(res.body.id_token).sid as string };
  };
  const refresh = (app: App, refreshToken: string, installationId?: string) =>
    postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: app.clientId,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      installation_id: installationId,
    });
  const eventsOf = async (type: string, sessionId: string) =>
    (await t.services.repos.audit.list({ tenantId: t.tenant.id, type })).filter((e) => e.sessionId === sessionId);

  it('records the installation the session was signed in from on its device', async () => {
    const phone = await signIn(t.app, 'phone-installation');
    const listed = await t.services.sessions.list(t.tenant, t.user);
    expect(listed.find((s) => s.id === phone.sessionId)?.device.installationId).toBe('phone-installation');
  });

  it('refuses a refresh from another installation when the app does not allow export, and leaves the token to its own', async () => {
    const phone = await signIn(t.app, 'phone-installation');
    expectNativeAuthError(await refresh(t.app, phone.refreshToken, 'watch-installation'), 400, 'invalid_grant');
    expect(await eventsOf('refresh_token.foreign_device_refused', phone.sessionId)).toEqual([
      expect.objectContaining({
        clientId: t.app.clientId,
        data: expect.objectContaining({ installationId: 'watch-installation' }),
      }),
    ]);
    // The refusal consumed nothing: past the retry window the token is still the current one.
    t.clock.advance!(11_000);
    const own = await refresh(t.app, phone.refreshToken, 'phone-installation');
    expect(own.status).toBe(200);
    expect((await t.services.sessions.find(phone.sessionId))?.revokedAt).toBeNull();
  });

  it('counts a client that names no installation as another installation: refused, or audited when export is allowed', async () => {
    const phone = await signIn(t.app, 'phone-installation');
    for (const unnamed of [undefined, ''])
      expectNativeAuthError(await refresh(t.app, phone.refreshToken, unnamed), 400, 'invalid_grant');
    expect(await eventsOf('refresh_token.foreign_device_refused', phone.sessionId)).toHaveLength(2);
    expect((await t.services.sessions.find(phone.sessionId))?.revokedAt).toBeNull();

    const exportingPhone = await signIn(exporting, 'phone-installation');
    const copied = await refresh(exporting, exportingPhone.refreshToken);
    expect(copied.status, JSON.stringify(copied.body)).toBe(200);
    expect(await eventsOf('refresh_token.exported_use', exportingPhone.sessionId)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ installationId: null }) }),
    ]);
  });

  it('holds a session transfer to the same rule: the phone token from another installation is refused', async () => {
    const { app: phoneApp } = await t.registerApp({ name: 'Handing-off app', allowSessionTransfer: true });
    const { app: watchApp } = await t.registerApp({ name: 'Watch app', acceptSessionTransfer: true });
    const phone = await signIn(phoneApp, 'phone-installation');
    const transfer = (installationId?: string) =>
      postForm(`${t.base}/oauth2/v2.0/token`, {
        client_id: phoneApp.clientId,
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: phone.refreshToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token',
        requested_token_type: 'urn:baton:params:oauth:token-type:session_transfer_token',
        audience: watchApp.clientId,
        installation_id: installationId,
      });
    expectNativeAuthError(await transfer('stolen-elsewhere'), 400, 'invalid_grant');
    expectNativeAuthError(await transfer(), 400, 'invalid_grant');
    expect((await transfer('phone-installation')).status).toBe(200);
  });

  it('lets another installation use the token when the app allows export, and audits each use', async () => {
    const phone = await signIn(exporting, 'phone-installation');
    const exported = await refresh(exporting, phone.refreshToken, 'watch-installation');
    expect(exported.status, JSON.stringify(exported.body)).toBe(200);
    expect((await refresh(exporting, exported.body.refresh_token, 'watch-installation')).status).toBe(200);
    const events = await eventsOf('refresh_token.exported_use', phone.sessionId);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ clientId: exporting.clientId, data: { installationId: 'watch-installation' } });
    expect(await eventsOf('refresh_token.foreign_device_refused', phone.sessionId)).toEqual([]);
  });

  it('audits nothing when the token is used from its own installation', async () => {
    const phone = await signIn(exporting, 'phone-installation');
    expect((await refresh(exporting, phone.refreshToken, 'phone-installation')).status).toBe(200);
    expect(await eventsOf('refresh_token.exported_use', phone.sessionId)).toEqual([]);
  });

  it('enforces nothing for a session signed in without an installation id', async () => {
    const phone = await signIn(t.app);
    const res = await refresh(t.app, phone.refreshToken, 'watch-installation');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await eventsOf('refresh_token.foreign_device_refused', phone.sessionId)).toEqual([]);
    expect(await eventsOf('refresh_token.exported_use', phone.sessionId)).toEqual([]);
  });
});
