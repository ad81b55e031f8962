import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { attemptPolicies } from '../../src/core/abuse/attempt-limiter.js';
import type { Tenant, User } from '../../src/core/model.js';
import type { EngineName } from '../support/databases.js';
import { postForm, type HttpResult } from '../support/http.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/test-server.js';

type Params = Record<string, string | undefined>;

export interface NativeClientOptions {
  /** The challenge types the client offers, space-separated as MSAL sends them. */
  challengeType?: string;
  /** `capabilities`, sent on initiate and the start endpoints when set. */
  capabilities?: string;
  /** Sent with every request (Origin, client-request-id, user-agent...). */
  headers?: Record<string, string>;
}

export const scope = 'openid profile offline_access';

/**
 * The native-auth API as MSAL's custom-auth client calls it: one method per endpoint,
 * `client_id` first, the configured challenge types on every step that takes them.
 */
export function nativeClient(base: string, clientId: string, options: NativeClientOptions = {}) {
  const challengeType = options.challengeType ?? 'oob password redirect';
  const started = options.capabilities ? { capabilities: options.capabilities } : {};
  const post = (path: string, params: Params): Promise<HttpResult> =>
    postForm(`${base}${path}`, { client_id: clientId, ...params }, options.headers);
  return {
    clientId,
    post,
    initiate: (username: string, extra: Params = {}) =>
      post('/oauth2/v2.0/initiate', { username, challenge_type: challengeType, ...started, ...extra }),
    challenge: (ct: string | undefined, extra: Params = {}) =>
      post('/oauth2/v2.0/challenge', { continuation_token: ct, challenge_type: challengeType, ...extra }),
    introspect: (ct: string | undefined) => post('/oauth2/v2.0/introspect', { continuation_token: ct }),
    token: (grantType: string, ct: string | undefined, extra: Params = {}) =>
      post('/oauth2/v2.0/token', { continuation_token: ct, grant_type: grantType, scope, client_info: '1', ...extra }),
    refresh: (refreshToken: string) =>
      post('/oauth2/v2.0/token', { grant_type: 'refresh_token', refresh_token: refreshToken, scope }),
    signUpStart: (username: string, extra: Params = {}) =>
      post('/signup/v1.0/start', { username, challenge_type: challengeType, ...started, ...extra }),
    signUpChallenge: (ct: string | undefined) =>
      post('/signup/v1.0/challenge', { continuation_token: ct, challenge_type: challengeType }),
    signUpContinue: (ct: string | undefined, grantType: string, extra: Params = {}) =>
      post('/signup/v1.0/continue', { continuation_token: ct, grant_type: grantType, ...extra }),
    resetStart: (username: string) =>
      post('/resetpassword/v1.0/start', { username, challenge_type: challengeType, ...started }),
    resetChallenge: (ct: string | undefined) =>
      post('/resetpassword/v1.0/challenge', { continuation_token: ct, challenge_type: challengeType }),
    resetContinue: (ct: string | undefined, code: string) =>
      post('/resetpassword/v1.0/continue', { continuation_token: ct, grant_type: 'oob', oob: code }),
    resetSubmit: (ct: string | undefined, newPassword: string) =>
      post('/resetpassword/v1.0/submit', { continuation_token: ct, new_password: newPassword }),
    resetPoll: (ct: string | undefined) => post('/resetpassword/v1.0/poll_completion', { continuation_token: ct }),
    registerIntrospect: (ct: string | undefined) => post('/register/v1.0/introspect', { continuation_token: ct }),
    registerChallenge: (ct: string | undefined, target: string, extra: Params = {}) =>
      post('/register/v1.0/challenge', {
        continuation_token: ct,
        challenge_type: 'oob',
        challenge_target: target,
        challenge_channel: 'email',
        ...extra,
      }),
    registerContinue: (ct: string | undefined, grantType: string, extra: Params = {}) =>
      post('/register/v1.0/continue', { continuation_token: ct, grant_type: grantType, ...extra }),
  };
}

export type NativeClient = ReturnType<typeof nativeClient>;

/** A 2xx answer, with the body in the failure message when it is not. */
export function expectOk(res: HttpResult, status = 200): HttpResult {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res;
}

/** The continuation token of a successful step. */
export function ctOf(res: HttpResult): string {
  expectOk(res);
  expect(res.body.continuation_token, JSON.stringify(res.body)).toEqual(expect.any(String));
  return res.body.continuation_token;
}

/** A token response as MSAL needs it. */
export function expectTokens(res: HttpResult): void {
  expectOk(res);
  expect(res.body).toMatchObject({
    token_type: 'Bearer',
    access_token: expect.any(String),
    id_token: expect.any(String),
    refresh_token: expect.any(String),
    client_info: expect.any(String),
  });
}

/** An `oob` challenge answer: where the code went and how long it is. */
export function expectCodeSent(res: HttpResult, codeLength: number, target: string): void {
  expectOk(res);
  expect(res.body).toMatchObject({
    challenge_type: 'oob',
    challenge_channel: 'email',
    binding_method: 'prompt',
    code_length: codeLength,
    continuation_token: expect.any(String),
  });
  expect(res.body.interval).toBeGreaterThan(0);
  const [local, domain] = target.split('@');
  expect(res.body.challenge_target_label).toMatch(
    new RegExp(`^${local!.slice(0, 1)}\\*+@${domain!.replace(/\./g, '\\.')}$`),
  );
}

/** A wrong code of the same length as `code` (its last digit moved on by one). */
export const wrongCode = (code: string) => code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));

/** An address nobody has used yet in this run. */
export const freshEmail = (label = 'user') => `${label}-${randomUUID().slice(0, 8)}@example.com`;

/** A new account of `tenant` (the test server's by default), with `password` unless it is null. */
export async function createUser(
  t: TestServer,
  options: { password?: string | null; emailVerified?: boolean; tenant?: Tenant; label?: string } = {},
): Promise<User> {
  const password = options.password === undefined ? t.userPassword : options.password;
  return t.services.accounts.create(options.tenant ?? t.tenant, {
    email: freshEmail(options.label),
    emailVerified: options.emailVerified ?? true,
    ...(password === null ? {} : { password }),
  });
}

/**
 * Moves the clock past the window in which failed attempts count, so a test starts with no
 * earlier failure from 127.0.0.1 counting towards the per-IP limit.
 */
function forgetEarlierFailures(t: TestServer): void {
  t.clock.advance!(Math.max(attemptPolicies.account.windowMs, attemptPolicies.ip.windowMs) + 1000);
}

/**
 * One server for a describe block, on a manual clock: started before its tests (`ready`
 * receives it, to keep it and register apps) and closed after them. Each test starts with
 * no earlier failure from 127.0.0.1 counting towards a limit. `options` as startTestServer takes them.
 */
export function useNativeAuthServer(
  engine: EngineName,
  ready: (t: TestServer) => void | Promise<void>,
  options: TestServerOptions = {},
): void {
  let t: TestServer | undefined;
  beforeAll(async () => {
    t = await startTestServer({ ...options, engine, manualClock: true });
    await ready(t);
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => forgetEarlierFailures(t!));
}

/** Initiate and challenge with only `oob` offered: the continuation token for `grant_type=oob`, and the mailed code. */
export async function codeSignInStep(
  t: TestServer,
  client: NativeClient,
  email: string,
): Promise<{ ct: string; code: string }> {
  const started = ctOf(await client.initiate(email, { challenge_type: 'oob redirect' }));
  const challenged = await client.challenge(started, { challenge_type: 'oob redirect' });
  expect(challenged.body.challenge_type, JSON.stringify(challenged.body)).toBe('oob');
  return { ct: ctOf(challenged), code: await t.mail.nextCode(email) };
}

/** Initiate and challenge with `password` offered: the continuation token for `grant_type=password`. */
export async function passwordStep(client: NativeClient, email: string): Promise<string> {
  const started = ctOf(await client.initiate(email, { challenge_type: 'password redirect' }));
  const challenged = await client.challenge(started, { challenge_type: 'password redirect' });
  expect(challenged.body.challenge_type, JSON.stringify(challenged.body)).toBe('password');
  return ctOf(challenged);
}

/** A whole password sign-in: the token endpoint's answer. */
export async function passwordSignIn(client: NativeClient, email: string, password: string): Promise<HttpResult> {
  return client.token('password', await passwordStep(client, email), { password });
}

/** Sign-up up to the verified code: start (with `start` fields), challenge, continue with the mailed code. */
export async function signUpThroughCode(
  t: TestServer,
  client: NativeClient,
  email: string,
  start: Params = {},
): Promise<HttpResult> {
  const started = ctOf(await client.signUpStart(email, start));
  const challenged = await client.signUpChallenge(started);
  expect(challenged.body.challenge_type, JSON.stringify(challenged.body)).toBe('oob');
  return client.signUpContinue(ctOf(challenged), 'oob', { oob: await t.mail.nextCode(email) });
}

/** Password reset up to the verified code: the continuation token `submit` takes. */
export async function resetThroughCode(t: TestServer, client: NativeClient, email: string): Promise<string> {
  const challenged = await client.resetChallenge(ctOf(await client.resetStart(email)));
  expect(challenged.body.challenge_type, JSON.stringify(challenged.body)).toBe('oob');
  return ctOf(await client.resetContinue(ctOf(challenged), await t.mail.nextCode(email)));
}

/** Another tenant on the same server, with a public app and a password user. */
export async function otherTenant(t: TestServer, input: { codeLength?: number; displayName?: string } = {}) {
  const tenant = await t.services.tenants.create({ name: `t${randomUUID().slice(0, 8)}`, ...input });
  const { app } = await t.services.apps.register(tenant, { name: 'Other tenant app' });
  const user = await createUser(t, { tenant });
  return { tenant, app, user, base: `${t.url}/${tenant.name}` };
}

/**
 * On an app that requires MFA, the first password sign-in of `email` registers its own
 * address as the second factor, with the code mailed to it; the tokens come back.
 */
export async function registerOwnAddress(
  t: TestServer,
  client: NativeClient,
  email: string,
  password: string,
): Promise<HttpResult> {
  const required = await passwordSignIn(client, email, password);
  expect(required.body.suberror, JSON.stringify(required.body)).toBe('registration_required');
  const introspected = ctOf(await client.registerIntrospect(required.body.continuation_token));
  const challenged = await client.registerChallenge(introspected, email);
  expect(challenged.body.challenge_type, JSON.stringify(challenged.body)).toBe('oob');
  const registered = ctOf(
    await client.registerContinue(ctOf(challenged), 'oob', { oob: await t.mail.nextCode(email) }),
  );
  return client.token('continuation_token', registered);
}
