import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Sends `raw` bytes on a new connection and reads until the server closes it: status line and body. */
async function rawExchange(url: string, raw: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((resolve, reject) => {
    socket.once('close', () => resolve());
    socket.once('error', reject);
    socket.write(raw);
  });
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head, body };
}

/** Requests Node's parser refuses before any route runs still get the OAuth error JSON, and the connection is closed. */
describe('malformed HTTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ['an unknown method', 'FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    [
      'two Content-Length headers',
      'POST /acme/oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      400,
    ],
    ['a control byte in a header', 'GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: a\x01b\r\n\r\n', 400],
    [
      'a bad chunk size',
      'POST /acme/oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      400,
    ],
    ['headers over 16 KB', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ])('%s: %i invalid_request in the OAuth shape', async (_case, raw, status) => {
    const res = await rawExchange(t.url, raw);
    expect(res.status).toBe(status);
    expect(res.headers).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(res.body)).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
  });
});

describe('a request that does not arrive in time', () => {
  const timeoutMs = 1500;
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: { requestTimeoutMs: timeoutMs } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ['headers that never end', 'POST /acme/oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\n'],
    [
      'a body shorter than its Content-Length',
      'POST /acme/oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nclient_id=',
    ],
  ])(
    '%s: 408 at the configured time, not up to a check interval later, and the connection is closed',
    async (_case, raw) => {
      const started = Date.now();
      const res = await rawExchange(t.url, raw);
      const elapsed = Date.now() - started;
      expect(res.status).toBe(408);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request' });
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 100);
      expect(elapsed).toBeLessThan(timeoutMs + 1500);
    },
  );

  it('is 30 seconds unless set otherwise', () => {
    expect(loadConfig({}).requestTimeoutMs).toBe(30_000);
  });
});
