import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/core/model.js';
import { postForm } from '../../server/test/support/http.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { MemoryStore, type Account } from '../src/index.js';
import { expectKind, recordingFetch, sdkClient } from './support.js';

describe('account.getWebViewUrl against a real Baton', () => {
  let t: TestServer;
  let phoneApp: App;
  let webApp: App;
  beforeAll(async () => {
    t = await startTestServer();
    phoneApp = (await t.registerApp({ name: 'Phone app', allowSessionTransfer: true })).app;
    webApp = (
      await t.registerApp({
        name: 'Web shop',
        acceptSessionTransfer: true,
        redirectUris: ['https://shop.example/callback'],
      })
    ).app;
  });
  afterAll(async () => {
    await t?.close();
  });

  const signIn = async (app = phoneApp, fetch?: ReturnType<typeof recordingFetch>['fetch']): Promise<Account> =>
    expectKind(
      await sdkClient(t, { app, store: new MemoryStore(), ...(fetch ? { fetch } : {}) }).signIn({
        username: t.user.email,
        password: t.userPassword,
      }),
      'signed_in',
    ).account;
  /** What the web app keeps (the verifier) and what it hands the native app (the rest). */
  const webAppRequest = () => {
    const verifier = randomBytes(32).toString('base64url');
    return {
      verifier,
      params: {
        redirect_uri: 'https://shop.example/callback',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        state: 'st-1',
        nonce: 'n-1',
      },
    };
  };
  const open = (url: string) => fetch(url, { redirect: 'manual' });

  it('answers the authorize URL with a fresh transfer token; opened, it signs the view in with no prompt, below the phone session', async () => {
    const recorder = recordingFetch();
    const phone = await signIn(phoneApp, recorder.fetch);
    const { verifier, params } = webAppRequest();
    const url = new URL(await phone.getWebViewUrl(webApp.clientId, params));
    expect(`${url.origin}${url.pathname}`).toBe(`${t.base}/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      ...params,
      client_id: webApp.clientId,
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'openid profile offline_access',
      session_transfer_token: expect.any(String),
    });
    // Asked for exactly as the companion handoff asks: token exchange with the phone's refresh token.
    const [exchange] = recorder.grants('urn:ietf:params:oauth:grant-type:token-exchange');
    expect(Object.fromEntries(exchange!.params)).toMatchObject({
      client_id: phoneApp.clientId,
      audience: webApp.clientId,
      subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token',
      requested_token_type: 'urn:baton:params:oauth:token-type:session_transfer_token',
    });

    const landed = await open(url.toString());
    expect(landed.status).toBe(303);
    const back = new URL(landed.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('st-1');
    const tokens = await postForm(`${t.base}/oauth2/v2.0/token`, {
      grant_type: 'authorization_code',
      client_id: webApp.clientId,
      code: back.searchParams.get('code')!,
      redirect_uri: params.redirect_uri,
      code_verifier: verifier,
    });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    const webSession = await t.services.sessions.find(decodeJwt(tokens.body.id_token).sid as string);
    const browserSession = await t.services.sessions.find(webSession!.parentId!);
    expect(browserSession!.parentId).toBe(phone.claims.sessionId);
    expect(decodeJwt(tokens.body.id_token).nonce).toBe('n-1');
    // The phone is untouched: its session still refreshes.
    await expect(phone.getAccessToken({ forceRefresh: true })).resolves.toEqual(expect.any(String));
  });

  it('works once: the same URL opened again shows the sign-in page', async () => {
    const url = await (await signIn()).getWebViewUrl(webApp.clientId, webAppRequest().params);
    expect((await open(url)).status).toBe(303);
    const again = await open(url);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('<h1>Sign in</h1>');
  });

  it('gives a new token each time', async () => {
    const phone = await signIn();
    const tokenOf = async () =>
      new URL(await phone.getWebViewUrl(webApp.clientId, webAppRequest().params)).searchParams.get(
        'session_transfer_token',
      );
    expect(await tokenOf()).not.toBe(await tokenOf());
  });

  it('throws unauthorized_client for an app registered without --allow-session-transfer, invalid_target for a web app without --accept-session-transfer', async () => {
    await expect((await signIn(t.app)).getWebViewUrl(webApp.clientId, webAppRequest().params)).rejects.toMatchObject({
      code: 'unauthorized_client',
    });
    await expect((await signIn()).getWebViewUrl(t.app.clientId, webAppRequest().params)).rejects.toMatchObject({
      code: 'invalid_target',
    });
  });
});
