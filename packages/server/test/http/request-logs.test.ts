import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postForm, signInWithPassword } from '../support/http.js';
import { logSink } from '../support/log-sink.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('request logs', () => {
  const logs = logSink();
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ logTo: logs.stream });
  });
  afterAll(async () => {
    await t?.close();
  });

  const linesOf = (correlationId: string) => logs.lines.filter((line) => line.correlation_id === correlationId);

  it('writes one line per request with its correlation id, method, path, status and duration', async () => {
    const res = await getJson(`${t.base}/v2.0/.well-known/openid-configuration`, {
      'client-request-id': 'c0ffee00-aaaa-4bbb-8ccc-000000000001',
    });
    expect(res.status).toBe(200);
    await expect.poll(() => linesOf('c0ffee00-aaaa-4bbb-8ccc-000000000001')).toHaveLength(1);
    expect(linesOf('c0ffee00-aaaa-4bbb-8ccc-000000000001')[0]).toMatchObject({
      level: 30,
      msg: 'request',
      req: { method: 'GET', url: '/acme/v2.0/.well-known/openid-configuration' },
      status: 200,
      ms: expect.any(Number),
    });
  });

  it('adds why a request was refused, and nothing more', async () => {
    const id = 'c0ffee00-aaaa-4bbb-8ccc-000000000002';
    const res = await postForm(
      `${t.base}/oauth2/v2.0/token`,
      { client_id: t.app.clientId, grant_type: 'refresh_token', refresh_token: 'not-a-token' },
      { 'client-request-id': id },
    );
    expect(res.status).toBe(400);
    await expect.poll(() => linesOf(id)).toHaveLength(2);
    expect(linesOf(id).map((line) => line.msg)).toEqual(['request refused', 'request']);
    expect(linesOf(id)[0]).toMatchObject({ error: 'invalid_grant' });
  });

  it('never writes a password, a token, a code or a credential header', async () => {
    const signedIn = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    const refreshToken = signedIn.body.refresh_token as string;
    await postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: t.app.clientId,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    await getJson(`${t.url}/acme/oidc/userinfo?access_token=${signedIn.body.access_token}`, {
      authorization: `Bearer ${signedIn.body.access_token}`,
      cookie: 'baton_sso=secret-cookie',
    });
    await fetch(
      `${t.base}/oauth2/v2.0/authorize?client_id=${t.app.clientId}&code=secret-code&session_transfer_token=secret-transfer`,
    );
    await fetch(`${t.base}/oauth2/v2.0/logout?id_token_hint=${signedIn.body.id_token}&client_id=${t.app.clientId}`);
    await fetch(
      `${t.base}/oauth2/v2.0/token?oob=secret-oob&code_verifier=secret-verifier&subject_token=secret-subject&login_hint=ada%40example.com&grant_type=password&secret-bare`,
      { method: 'POST' },
    );
    await expect
      .poll(
        () =>
          logs.lines.filter((line) =>
            /\/(authorize|logout|token)\?/.test(String((line.req as { url?: string } | undefined)?.url ?? '')),
          ).length,
      )
      .toBe(3);
    const written = logs.text();
    for (const secret of [
      t.userPassword,
      refreshToken,
      signedIn.body.access_token,
      signedIn.body.id_token,
      'secret-cookie',
      'secret-code',
      'secret-transfer',
      'secret-oob',
      'secret-verifier',
      'secret-subject',
      'ada%40example.com',
      'secret-bare',
    ]) {
      expect(written).not.toContain(secret);
    }
    expect(written).toContain('access_token=[redacted]');
    expect(written).toContain('id_token_hint=[redacted]');
    // What names the client and the request stays readable.
    expect(written).toContain(`client_id=${t.app.clientId}`);
    expect(written).toContain('grant_type=password');
  });

  it('logs a client that hangs up in the middle of its body as a refused request, not as a server error', async () => {
    const id = 'c0ffee00-aaaa-4bbb-8ccc-000000000003';
    const { port } = new URL(t.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /acme/oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\nclient-request-id: ${id}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await expect.poll(() => linesOf(id).map((line) => line.msg)).toContain('request refused');
    expect(linesOf(id).filter((line) => (line.level as number) >= 50)).toEqual([]);
  });

  it('logs a request the HTTP parser refused, which no route ever saw', async () => {
    const { port } = new URL(t.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.resume();
    socket.write(
      'POST /acme/oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    );
    await new Promise((resolve) => socket.once('close', resolve));
    await expect
      .poll(() => logs.lines.filter((line) => line.msg === 'request refused before it was read'))
      .toContainEqual(
        expect.objectContaining({
          level: 30,
          status: 400,
          error: 'invalid_request',
          parser: 'HPE_UNEXPECTED_CONTENT_LENGTH',
          remote: '127.0.0.1',
        }),
      );
  });
});
