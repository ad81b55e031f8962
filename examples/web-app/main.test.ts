import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToEnd, spawnProcess, stopAllProcesses, type BatonProcess } from '../../e2e/support/baton-process.js';
import { startTestServer, type TestServer } from '../../packages/server/test/support/test-server.js';

const tsx = 'node_modules/.bin/tsx';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves with stdout once `text` appears in it (or fails when the process ends first). */
async function printed(started: BatonProcess, text: string): Promise<string> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    if (started.stdout().includes(text)) return started.stdout();
    if (started.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never printed ${text}; stderr:\n${started.stderr()}`);
}

/** `npm run example:web` as a newcomer runs it: the address it prints works, and a Baton that is not there is said so. */
describe('npm run example:web', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await stopAllProcesses();
    await t?.close();
  });

  it('prints a localhost URL that answers, and sends a visit to 127.0.0.1 there', async () => {
    const port = await freePort();
    const { app } = await t.registerApp({ redirectUris: [`http://localhost:${port}/callback`] });
    const web = spawnProcess(tsx, ['examples/web-app/main.ts'], {
      env: { BATON_ISSUER_BASE: t.base, WEB_CLIENT_ID: app.clientId, WEB_PORT: String(port) },
    });
    expect(await printed(web, 'The example web app is at')).toContain(
      `The example web app is at http://localhost:${port}/`,
    );
    expect((await fetch(`http://localhost:${port}/`)).status).toBe(200);
    const other = await fetch(`http://127.0.0.1:${port}/login`, { redirect: 'manual' });
    expect(other.status).toBe(302);
    expect(other.headers.get('location')).toBe(`http://localhost:${port}/login`);
    await web.stop();
  });

  it('says Baton is not reachable, and how to start it, instead of a stack trace', async () => {
    const closed = await freePort();
    const exit = await runToEnd(
      spawnProcess(tsx, ['examples/web-app/main.ts'], {
        env: {
          BATON_ISSUER_BASE: `http://127.0.0.1:${closed}/demo`,
          WEB_CLIENT_ID: 'x',
          WEB_PORT: String(await freePort()),
        },
      }),
    );
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(
      /^Baton is not reachable at http:\/\/127\.0\.0\.1:\d+\/demo\/v2\.0\/\.well-known\/openid-configuration \(ECONNREFUSED\)\.\nStart it \(npm start\)/,
    );
    expect(exit.stderr).not.toMatch(/\n\s+at /);
  });
});
