import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnProcess, stopAllProcesses, type BatonProcess } from '../../e2e/support/baton-process.js';
import {
  startHandoffServer,
  type HandoffApps,
  type HandoffClient,
} from '../../packages/server/test/handoff/handoff-client.js';
import { dpopProof } from '../../packages/server/test/support/dpop.js';
import { freePort } from '../../packages/server/test/support/free-port.js';
import type { TestServer } from '../../packages/server/test/support/test-server.js';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));

/**
 * Finding 9 (protected API): the example API built the `htu` a DPoP proof must name from
 * the request's Host header, so a proof made for another API (same key, same token) passed
 * here when sent with that API's Host. The API, run as `npm run example:api` runs it, now
 * expects its configured public URL (API_PUBLIC_URL, by default where it listens),
 * whatever Host a request carries.
 */
describe('the example protected API takes the DPoP htu from its configured public URL', () => {
  let t: TestServer;
  let apps: HandoffApps;
  let client: HandoffClient;
  beforeAll(async () => {
    ({ t, apps, client } = await startHandoffServer('sqlite'));
  });
  afterAll(async () => {
    await stopAllProcesses();
    await t?.close();
  });

  /** `npm run example:api` on a free port, with `env` added; answers once it listens. */
  async function startApi(env: Record<string, string> = {}): Promise<{ port: number; process: BatonProcess }> {
    const port = await freePort();
    // One process (no tsx wrapper around it), so stopping it closes its output too.
    const process = spawnProcess(globalThis.process.execPath, ['--import', 'tsx', main], {
      env: { BATON_ISSUER_BASE: t.base, API_AUDIENCES: apps.watch.clientId, API_PORT: String(port), ...env },
    });
    for (let i = 0; i < 200; i++) {
      if ((await getMe(port, '127.0.0.1', {}).catch(() => null))?.status === 401) return { port, process };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`The API did not start: ${process.stderr()}`);
  }

  /** GET /api/me over a raw connection, with the Host header the caller chooses (fetch would not let it). */
  function getMe(
    port: number,
    host: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: { error?: string; dpop?: boolean } }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/api/me', method: 'GET', headers: { ...headers, host } },
        (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
  /** A call with the companion's DPoP-bound token and a fresh proof naming `htu`, sent with `host`. */
  async function call(port: number, host: string, htu: string) {
    const { companion } = await client.handOff();
    const accessToken = companion.tokens.access_token;
    const proof = await dpopProof(companion.key, { method: 'GET', url: htu, now: t.clock.now(), accessToken });
    return getMe(port, host, { authorization: `DPoP ${accessToken}`, dpop: proof });
  }

  it('refuses a proof for another host even when the Host header names that host', async () => {
    const { port } = await startApi();
    const res = await call(port, 'other-api.example.com', 'http://other-api.example.com/api/me');
    expect(res.status, JSON.stringify(res.body)).toBe(401);
    expect(res.body.error).toBe('invalid_dpop_proof');
    const local = await call(port, `127.0.0.1:${port}`, `http://127.0.0.1:${port}/api/me`);
    expect(local.status, JSON.stringify(local.body)).toBe(200);
  });

  it('behind a proxy, expects API_PUBLIC_URL and nothing the request names', async () => {
    const { port } = await startApi({ API_PUBLIC_URL: 'https://api.example.com' });
    const proxied = await call(port, 'api.example.com', 'https://api.example.com/api/me');
    expect(proxied.status, JSON.stringify(proxied.body)).toBe(200);
    expect(proxied.body.dpop).toBe(true);
    const direct = await call(port, `127.0.0.1:${port}`, `http://127.0.0.1:${port}/api/me`);
    expect(direct.status, JSON.stringify(direct.body)).toBe(401);
    expect(direct.body.error).toBe('invalid_dpop_proof');
  });
});
