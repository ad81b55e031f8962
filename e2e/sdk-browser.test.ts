import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../packages/server/src/core/model.js';
import { startTestServer, type TestServer } from '../packages/server/test/support/test-server.js';
import { launchChromium } from './msal/support/browser.js';

const entry = fileURLToPath(new URL('../packages/sdk/src/index.ts', import.meta.url));

/**
 * @baton/sdk's browser entry, bundled for the browser (a Node import would fail the build),
 * in headless Chromium on its own origin against a real Baton: sign-in, the IndexedDB store
 * across page loads (non-extractable keys included), a silent refresh, and a handoff to a
 * companion living in the same page whose DPoP-bound session calls userinfo, and the phone's
 * view of both in the account API, where ending the companion's branch signs it out.
 */
describe('@baton/sdk in headless Chromium', { timeout: 120_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  let pageServer: Server;
  let origin: string;
  let phoneApp: App;
  let watchApp: App;

  beforeAll(async () => {
    browser = await launchChromium();
    const bundle = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const sdk = bundle.outputFiles[0]!.text;
    pageServer = createServer((request, response) => {
      if (request.url === '/sdk.js')
        return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(sdk);
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>sdk</title>');
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(pageServer.address() as { port: number }).port}`;
    t = await startTestServer();
    phoneApp = (await t.registerApp({ name: 'Web phone', allowedOrigins: [origin], allowSessionTransfer: true })).app;
    watchApp = (await t.registerApp({ name: 'Web widget', allowedOrigins: [origin], acceptSessionTransfer: true })).app;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    // Without Chromium, beforeAll stops before the page server exists: nothing to wait for.
    if (pageServer) await new Promise((resolve) => pageServer.close(resolve));
    await t?.close();
  });

  /** Runs `script` in the page with `sdk` (the bundle) and `args` in scope; a string, so the test runner does not rewrite its import. */
  const inPage = <T>(page: Page, script: string, args: Record<string, unknown>) =>
    page.evaluate(
      `(async () => { const sdk = await import('/sdk.js'); const args = ${JSON.stringify(args)}; ${script} })()`,
    ) as Promise<T>;

  it('signs in, keeps the session and non-extractable keys in IndexedDB across page loads, refreshes, and hands off with DPoP, and lists and ends the companion session through the account API', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(origin);
    const args = {
      base: t.base,
      phone: phoneApp.clientId,
      watch: watchApp.clientId,
      username: t.user.email,
      password: t.userPassword,
      // baton.account: the page lists and ends the user's devices through the account API below.
      scopes: ['openid', 'profile', 'offline_access', 'baton.account'],
    };

    const first = await inPage<{ kind: string; username: string; extractable: boolean; jwk: unknown }>(
      page,
      `
      const client = new sdk.NativeAuthClient({ baseUrl: args.base, clientId: args.phone, challengeTypes: ['password'], scopes: args.scopes, store: new sdk.IndexedDbStore() });
      const state = await client.signIn({ username: args.username });
      const wrong = await state.submitPassword('not the password');
      if (wrong.code !== 'invalid_password') throw new Error('expected invalid_password, got ' + wrong.code);
      const result = await state.submitPassword(args.password);
      const keys = await new sdk.IndexedDbStore().keyPair('test-key', 'ECDSA');
      return { kind: result.kind, username: result.account.username, extractable: keys.privateKey.extractable,
        jwk: await crypto.subtle.exportKey('jwk', keys.publicKey) };
    `,
      args,
    );
    expect(first).toMatchObject({ kind: 'signed_in', username: t.user.email, extractable: false });

    await page.reload();
    const second = await inPage<{ username: string; refreshed: boolean; jwk: unknown; exportRefused: boolean }>(
      page,
      `
      const store = new sdk.IndexedDbStore();
      const client = new sdk.NativeAuthClient({ baseUrl: args.base, clientId: args.phone, challengeTypes: ['password'], scopes: args.scopes, store });
      const account = await client.getAccount();
      const before = await account.getAccessToken();
      const after = await account.getAccessToken({ forceRefresh: true });
      const keys = await store.keyPair('test-key', 'ECDSA');
      let exportRefused = false;
      try { account.exportRefreshToken(); } catch (e) { exportRefused = e.code === 'export_disabled'; }
      return { username: account.username, refreshed: before !== after, jwk: await crypto.subtle.exportKey('jwk', keys.publicKey), exportRefused };
    `,
      args,
    );
    expect(second).toEqual({ username: t.user.email, refreshed: true, jwk: first.jwk, exportRefused: true });

    const handoff = await inPage<{ dpopBound: boolean; status: number; sub: string }>(
      page,
      `
      const phone = await new sdk.NativeAuthClient({ baseUrl: args.base, clientId: args.phone, challengeTypes: ['password'], scopes: args.scopes, store: new sdk.IndexedDbStore() }).getAccount();
      const [phoneSide, widgetSide] = sdk.memoryTransportPair();
      const widget = new sdk.Companion({ baseUrl: args.base, clientId: args.watch, store: new sdk.IndexedDbStore({ name: 'widget' }) });
      // The widget shows its pairing code; the phone confirms only that one.
      let shown;
      const [account] = await Promise.all([
        widget.pair(widgetSide, { onPairingCode: (code) => { shown = code; } }),
        phone.handOff(phoneSide, { audience: args.watch, confirm: ({ code }) => code === shown }),
      ]);
      await account.getAccessToken({ forceRefresh: true });
      const response = await account.fetch(args.base + '/oidc/userinfo');
      return { dpopBound: account.dpopBound, status: response.status, sub: (await response.json()).sub };
    `,
      args,
    );
    expect(handoff).toEqual({ dpopBound: true, status: 200, sub: t.user.id });
    const sessions = await t.services.sessions.list(t.tenant, t.user);
    expect(sessions.filter((s) => s.clientId === watchApp.clientId && s.device.kind === 'companion')).toHaveLength(1);

    const devices = await inPage<{
      graph: { app: string; current: boolean; fromPhone: boolean }[];
      revoked: number;
      widgetAfter: string;
    }>(
      page,
      `
      const phone = await new sdk.NativeAuthClient({ baseUrl: args.base, clientId: args.phone, challengeTypes: ['password'], scopes: args.scopes, store: new sdk.IndexedDbStore() }).getAccount();
      const live = (await phone.devices()).filter((d) => d.status === 'active');
      const phoneSession = live.find((d) => d.current);
      const graph = live.map((d) => ({ app: d.app.clientId, current: d.current, fromPhone: d.parentId === phoneSession.id }));
      const widgetSession = live.find((d) => d.app.clientId === args.watch);
      const revoked = (await phone.revoke(widgetSession.id)).length;
      const widget = await new sdk.Companion({ baseUrl: args.base, clientId: args.watch, store: new sdk.IndexedDbStore({ name: 'widget' }) }).getAccount();
      let widgetAfter = 'refreshed';
      try { await widget.getAccessToken({ forceRefresh: true }); } catch (e) { widgetAfter = e.code; }
      return { graph, revoked, widgetAfter };
    `,
      args,
    );
    // The account API from the page's origin (CORS), through the SDK: the phone marked as this
    // device, the widget below it; ending the widget's branch stops its next refresh.
    expect(devices).toEqual({
      graph: expect.arrayContaining([
        { app: phoneApp.clientId, current: true, fromPhone: false },
        { app: watchApp.clientId, current: false, fromPhone: true },
      ]),
      revoked: 1,
      widgetAfter: 'session_ended',
    });
    expect(devices.graph).toHaveLength(2);
    await context.close();
  });
});
