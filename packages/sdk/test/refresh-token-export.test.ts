import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/core/model.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { MemoryStore } from '../src/index.js';
import { expectKind, sdkClient } from './support.js';

describe('raw refresh-token export (the opt-in parity path)', () => {
  let t: TestServer;
  let exporting: App;
  beforeAll(async () => {
    t = await startTestServer();
    exporting = (await t.registerApp({ name: 'Exporting app', allowRefreshTokenExport: true })).app;
  });
  afterAll(async () => {
    await t?.close();
  });

  const signIn = async (app: App, allowRefreshTokenExport: boolean, store = new MemoryStore()) =>
    expectKind(
      await sdkClient(t, { app, allowRefreshTokenExport, store }).signIn({
        username: t.user.email,
        password: t.userPassword,
      }),
      'signed_in',
    ).account;
  const audit = (type: string) => t.services.repos.audit.list({ tenantId: t.tenant.id, type });

  it('is refused when the SDK configuration has not opted in, even if the app allows it', async () => {
    const account = await signIn(exporting, false);
    expect(() => account.exportRefreshToken()).toThrow(
      expect.objectContaining({ code: 'export_disabled', message: expect.stringContaining('allowRefreshTokenExport') }),
    );
  });

  it('is refused when the app registration does not allow it, even with the SDK opted in', async () => {
    const account = await signIn(t.app, true);
    expect(() => account.exportRefreshToken()).toThrow(
      expect.objectContaining({
        code: 'export_not_allowed',
        message: expect.stringContaining('--allow-refresh-token-export'),
      }),
    );
  });

  it('hands out the token with both opt-ins; its use from another installation is audited', async () => {
    const phoneStore = new MemoryStore();
    const account = await signIn(exporting, true, phoneStore);
    const exported = account.exportRefreshToken();
    expect(JSON.parse((await phoneStore.get(`baton.session:${exporting.clientId}`))!).refreshToken).toBe(exported);
    const before = (await audit('refresh_token.exported_use')).length;

    const watch = sdkClient(t, { app: exporting, store: new MemoryStore() });
    const imported = await watch.signInWithRefreshToken(exported);
    expect(imported.username).toBe(t.user.email);
    const events = await audit('refresh_token.exported_use');
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ clientId: exporting.clientId, sessionId: account.claims.sessionId });
  });

  it('a refresh token used by another installation is refused when the app does not allow export', async () => {
    const phoneStore = new MemoryStore();
    await signIn(t.app, true, phoneStore);
    const copied = JSON.parse((await phoneStore.get(`baton.session:${t.app.clientId}`))!).refreshToken as string;
    const watch = sdkClient(t, { store: new MemoryStore() });
    await expect(watch.signInWithRefreshToken(copied)).rejects.toMatchObject({
      code: 'session_ended',
      serverError: 'invalid_grant',
    });
    expect((await audit('refresh_token.foreign_device_refused')).length).toBeGreaterThanOrEqual(1);
    // The same installation (the phone's store) still refreshes with it.
    expect(await (await sdkClient(t, { store: phoneStore }).signInWithRefreshToken(copied)).getAccessToken()).toEqual(
      expect.any(String),
    );
  });
});
