import { afterAll, beforeAll, expect } from 'vitest';
import type { EngineName } from '../support/databases.js';
import { type HttpResult, postForm } from '../support/http.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/test-server.js';

/** A test server for a suite, started before it and closed after it; `ready` sets the suite up; `options` as startTestServer takes them. */
export function useV2Server(
  ready: (t: TestServer) => void | Promise<void>,
  engine: EngineName = 'sqlite',
  options: TestServerOptions = {},
): void {
  let t: TestServer | undefined;
  beforeAll(async () => {
    t = await startTestServer({ ...options, engine });
    await ready(t);
  });
  afterAll(async () => {
    await t?.close();
  });
}

/**
 * A V2 client that calls what MSAL 5.31 calls, the way it calls it: the entry and the
 * finish as forms, every link as JSON to the server's origin plus the link's path (MSAL
 * keeps only its proxy's origin), no client_id in link calls.
 */
export function v2Client(t: TestServer, clientId = t.app.clientId) {
  const entry = (extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    postForm(
      `${t.base}/oauth2/v2.0/authorize-challenge`,
      { client_id: clientId, scope: 'openid profile offline_access', ...extra },
      headers,
    );

  const call = async (href: string, body: Record<string, unknown>, method = 'POST'): Promise<HttpResult> => {
    expect(href.startsWith(`/${t.tenant.name}/`), `link ${href} is an absolute path under the tenant`).toBe(true);
    const response = await fetch(`${t.url}${href}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };

  const finish = (continuationToken: string, href = `/${t.tenant.name}/oauth2/v2.0/authorize-challenge`) =>
    postForm(`${t.url}${href}`, { continuation_token: continuationToken });

  const token = (code: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    postForm(
      `${t.base}/oauth2/v2.0/token`,
      { client_id: clientId, grant_type: 'authorization_code', code, client_info: '1', ...extra },
      headers,
    );

  /** The entry, then the sign_in link with the username: the start answer. */
  const startSignIn = async (username = t.user.email) => {
    const entered = await entry();
    expect(entered.status, JSON.stringify(entered.body)).toBe(200);
    return call(entered.body.sign_in, { continuationToken: entered.body.continuation_token, username });
  };

  /** Start and the password method's challenge: the verify answer a password goes to. */
  const passwordChallenge = async (username = t.user.email) => {
    const started = await startSignIn(username);
    const method = started.body._embedded.methods.find((m: { type: string }) => m.type === 'password');
    const challenged = await call(method._links.challenge.href, { continuationToken: started.body.continuationToken });
    expect(challenged.status, JSON.stringify(challenged.body)).toBe(200);
    return challenged.body;
  };

  /** The finish and the token request: the token answer. */
  const redeem = async (proved: HttpResult['body']) => {
    const finished = await finish(proved.continuationToken, proved._links.continue.href);
    expect(finished.status, JSON.stringify(finished.body)).toBe(200);
    return token(finished.body.code);
  };

  return { entry, call, finish, token, startSignIn, passwordChallenge, redeem };
}

export type V2Client = ReturnType<typeof v2Client>;

/** A nested V2 error, as MSAL's ErrorNormalizerV2 reads it. */
export function expectV2Error(res: HttpResult, status: number, code: string, innerError?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error).toMatchObject({ code, message: expect.any(String) });
  if (innerError !== undefined) expect(res.body.error.innerError?.code).toBe(innerError);
  expect(res.body.error.correlationId).toBe(res.headers.get('x-ms-request-id'));
}
