import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { getJson, postForm, postRaw } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const form = 'application/x-www-form-urlencoded';

describe.each(engines)('bad input on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine });
  });
  afterAll(async () => {
    await t?.close();
  });

  const token = () => `${t.base}/oauth2/v2.0/token`;

  it.each([
    ['application/json', JSON.stringify({ grant_type: 'client_credentials', client_id: 'x' })],
    ['application/json', '{"grant_type": '],
    ['text/plain', 'grant_type=client_credentials'],
    ['application/xml', '<grant_type>client_credentials</grant_type>'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--x--',
    ],
  ])('refuses a %s body at /token with invalid_request', async (contentType, body) => {
    expectNativeAuthError(await postRaw(token(), body, contentType), 400, 'invalid_request');
  });

  it('accepts the form content type with a charset, as MSAL sends it', async () => {
    const res = await postRaw(
      `${t.base}/oauth2/v2.0/initiate`,
      new URLSearchParams({
        client_id: t.app.clientId,
        username: 'nobody@example.com',
        challenge_type: 'password redirect',
      }).toString(),
      `${form};charset=utf-8`,
    );
    expectNativeAuthError(res, 400, 'user_not_found');
  });

  it.each(['/oauth2/v2.0/token', '/oauth2/v2.0/initiate', '/oauth2/v2.0/revoke'])(
    'answers an oversize body at %s with 413 invalid_request',
    async (path) => {
      const res = await postRaw(
        `${t.base}${path}`,
        `client_id=${t.app.clientId}&padding=${'x'.repeat(65 * 1024)}`,
        form,
      );
      expectError(res, 413, 'invalid_request');
    },
  );

  it.each(['grant_type', 'client_id'])('refuses a repeated %s', async (name) => {
    const params = new URLSearchParams({ grant_type: 'refresh_token', client_id: t.app.clientId, refresh_token: 'x' });
    params.append(name, params.get(name)!);
    expectNativeAuthError(await postRaw(token(), params.toString(), form), 400, 'invalid_request', {
      description: name,
    });
  });

  it('refuses a parameter longer than the server reads', async () => {
    const res = await postForm(token(), {
      grant_type: 'refresh_token',
      client_id: t.app.clientId,
      refresh_token: 'x'.repeat(9000),
    });
    expectNativeAuthError(res, 400, 'invalid_request');
  });

  it('reads broken percent-encoding as an unknown value, not a crash', async () => {
    const res = await postRaw(
      token(),
      `grant_type=refresh_token&client_id=${t.app.clientId}&refresh_token=%E0%A4%A`,
      form,
    );
    expectNativeAuthError(res, 400, 'invalid_grant');
  });

  it('asks for grant_type and names unknown ones', async () => {
    expectNativeAuthError(await postForm(token(), { client_id: t.app.clientId }), 400, 'invalid_request');
    expectNativeAuthError(await postRaw(token(), '', form), 400, 'invalid_request');
    expectNativeAuthError(
      await postForm(token(), { client_id: t.app.clientId, grant_type: 'urn:example:magic' }),
      400,
      'unsupported_grant_type',
    );
  });

  it('refuses a malformed scope with invalid_scope', async () => {
    const res = await postForm(token(), {
      client_id: t.app.clientId,
      grant_type: 'refresh_token',
      refresh_token: 'x',
      scope: 'openid "quoted"',
    });
    expectNativeAuthError(res, 400, 'invalid_scope');
  });

  it.each([
    ['POST', '/oauth2/v2.0/token'],
    ['POST', '/oauth2/v2.0/initiate'],
    ['POST', '/oauth2/v2.0/revoke'],
    ['POST', '/oauth2/v2.0/token/introspect'],
    ['GET', '/v2.0/.well-known/openid-configuration'],
    ['GET', '/discovery/v2.0/keys'],
    ['GET', '/oidc/userinfo'],
  ])('answers an unknown tenant at %s %s with 404 invalid_tenant', async (method, path) => {
    const url = `${t.url}/no-such-tenant${path}`;
    const res =
      method === 'GET'
        ? await getJson(url)
        : await postForm(url, { client_id: t.app.clientId, grant_type: 'refresh_token', token: 'x' });
    expectError(res, 404, 'invalid_tenant');
  });

  it.each(['/oauth2/v2.0/token', '/oauth2/v2.0/initiate', '/oauth2/v2.0/revoke'])(
    'answers an unknown client_id at %s with 401 invalid_client',
    async (path) => {
      const res = await postForm(`${t.base}${path}`, {
        client_id: '00000000-0000-4000-8000-000000000000',
        grant_type: 'refresh_token',
        refresh_token: 'x',
        token: 'x',
        username: t.user.email,
        challenge_type: 'password redirect',
      });
      expectError(res, 401, 'invalid_client');
    },
  );

  it.each([
    ['/a%00b', 'GET', '/v2.0/.well-known/openid-configuration'],
    ['/a%00b', 'POST', '/oauth2/v2.0/token'],
    ['/ACME', 'GET', '/discovery/v2.0/keys'],
  ])(
    'answers a tenant segment %s that cannot be a name with 404 invalid_tenant (%s %s)',
    async (segment, method, path) => {
      const url = `${t.url}${segment}${path}`;
      expectError(
        method === 'GET'
          ? await getJson(url)
          : await postForm(url, { client_id: t.app.clientId, grant_type: 'refresh_token' }),
        404,
        'invalid_tenant',
      );
    },
  );

  it('refuses a NUL character in a parameter or in Basic credentials without reaching the database', async () => {
    expectNativeAuthError(
      await postForm(token(), { grant_type: 'refresh_token', client_id: 'a\0b', refresh_token: 'x' }),
      400,
      'invalid_request',
    );
    expectNativeAuthError(
      await postForm(`${t.base}/oauth2/v2.0/initiate`, {
        client_id: t.app.clientId,
        username: 'a\0b@example.com',
        challenge_type: 'password',
      }),
      400,
      'invalid_request',
    );
    expectError(
      await postForm(
        token(),
        { grant_type: 'client_credentials' },
        { authorization: `Basic ${Buffer.from('a%00b:secret').toString('base64')}` },
      ),
      401,
      'invalid_client',
    );
  });

  it.each([
    ['a URL segment that is not percent-encoding', '/%E0%A4%A/v2.0/.well-known/openid-configuration', 400],
    ['an overlong URL segment', `/${'a'.repeat(5000)}/v2.0/.well-known/openid-configuration`, 400],
  ])('answers %s with an OAuth error', async (_, path, status) => {
    expectError(await getJson(`${t.url}${path}`), status, 'invalid_request');
  });

  it.each(['hal@example.com.', 'hal@example..com', 'hal@.example.com'])(
    'refuses the sign-up address %s (an empty domain label) at start as an invalid username',
    async (username) => {
      const res = await postForm(`${t.base}/signup/v1.0/start`, {
        client_id: t.app.clientId,
        username,
        challenge_type: 'oob password redirect',
      });
      expectNativeAuthError(res, 400, 'invalid_request', {
        errorCode: 90100,
        description: 'username parameter is empty or not valid',
      });
    },
  );

  it.each([501, 550, 553])(
    'answers a sign-up address the mail server refuses (%i) as an invalid username, not a server error',
    async (responseCode) => {
      const username = `refused-${responseCode}-${engine}@example.com`;
      t.mail.refuse(username, responseCode);
      const started = await postForm(`${t.base}/signup/v1.0/start`, {
        client_id: t.app.clientId,
        username,
        challenge_type: 'oob password redirect',
      });
      const res = await postForm(`${t.base}/signup/v1.0/challenge`, {
        client_id: t.app.clientId,
        continuation_token: started.body.continuation_token,
        challenge_type: 'oob password redirect',
      });
      expectNativeAuthError(res, 400, 'invalid_request', {
        errorCode: 90100,
        description: 'username parameter is empty or not valid',
      });
    },
  );

  it('echoes the client-request-id as the correlation id, as MSAL reads it', async () => {
    const res = await postForm(
      token(),
      { client_id: t.app.clientId },
      { 'client-request-id': 'c0ffee00-1234-4abc-8def-0123456789ab' },
    );
    expect(res.headers.get('x-ms-request-id')).toBe('c0ffee00-1234-4abc-8def-0123456789ab');
    expect(res.body.correlation_id).toBe('c0ffee00-1234-4abc-8def-0123456789ab');
  });

  it('asks for client_id', async () => {
    expectNativeAuthError(
      await postForm(token(), { grant_type: 'refresh_token', refresh_token: 'x' }),
      400,
      'invalid_request',
    );
  });

  it('refuses malformed Basic credentials with invalid_client', async () => {
    const res = await postForm(
      token(),
      { grant_type: 'client_credentials' },
      { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
    );
    expectError(res, 401, 'invalid_client');
  });

  it.each([
    ['GET', '/nowhere'],
    ['GET', '/acme/oauth2/v2.0/nowhere'],
    ['POST', '/acme/oauth2/v2.0/nowhere'],
  ])('answers an unknown route %s %s with 404 JSON', async (method, path) => {
    const res = method === 'GET' ? await getJson(`${t.url}${path}`) : await postForm(`${t.url}${path}`, {});
    expectError(res, 404, 'not_found');
  });

  it.each([
    ['GET', '/oauth2/v2.0/revoke', 'POST'],
    ['DELETE', '/oauth2/v2.0/token/introspect', 'POST'],
    ['POST', '/discovery/v2.0/keys', 'GET'],
    ['PUT', '/v2.0/.well-known/openid-configuration', 'GET'],
  ])('answers %s on %s, which takes %s, with 405 and Allow', async (method, path, allowed) => {
    const res = await fetch(`${t.base}${path}`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')?.split(', ')).toContain(allowed);
    expect(res.headers.get('allow')?.split(', ')).not.toContain(method);
    expect(await res.json()).toMatchObject({
      error: 'method_not_allowed',
      error_description: expect.stringContaining(allowed),
    });
  });

  it.each(['/oauth2/v2.0/token', '/oauth2/v2.0/initiate', '/signup/v1.0/start'])(
    "answers GET on %s in the native-auth shape, with Entra's 900561",
    async (path) => {
      const res = await getJson(`${t.base}${path}`);
      expectNativeAuthError(res, 405, 'method_not_allowed', { errorCode: 900561 });
      expect(res.headers.get('allow')).toContain('POST');
    },
  );

  it('answers a plain OPTIONS (no preflight) with 204 and Allow', async () => {
    const res = await fetch(`${t.base}/oauth2/v2.0/token`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')?.split(', ')).toEqual(expect.arrayContaining(['POST', 'OPTIONS']));
  });
});
