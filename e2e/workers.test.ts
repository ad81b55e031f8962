import { readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { engines } from '../packages/server/test/support/databases.js';
import { freePort } from '../packages/server/test/support/free-port.js';
import { postForm, signInWithPassword } from '../packages/server/test/support/http.js';
import { isolatedBatonEnv } from './support/baton-env.js';
import { runBaton, runBatonJson, stopAllProcesses } from './support/baton-process.js';
import { serveBaton, type ServedBaton } from './support/baton-server.js';

/**
 * A primary's workers: its child processes that run `baton.js`. (tsx may also start an
 * esbuild service under it, on a cold transform cache.)
 */
function workersOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const parent = /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
        return parent === String(pid) && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('baton.js');
      } catch {
        return false; // it ended while we looked
      }
    })
    .map(Number);
}

/** GET /healthz on a connection of its own (a pooled one may have belonged to a worker that died). */
function healthOnNewConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(`${url}/healthz`, { agent: false, timeout: 5000 }, (answer) => {
      answer.resume();
      resolve(answer.statusCode ?? 0);
    })
      .once('timeout', function (this: { destroy(error: Error): void }) {
        this.destroy(new Error('no answer within 5 s'));
      })
      .once('error', reject);
  });
}

async function eventually<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(200);
  }
}

describe.each(engines)('baton serve with BATON_WORKERS=2 on %s', (engine) => {
  let server: ServedBaton;
  let env: Record<string, string>;
  let base: string;
  let clientId: string;
  const email = 'racer@example.com';
  const password = 'correct horse battery staple';
  afterAll(stopAllProcesses);

  it('starts two workers sharing the port, and reports them', async () => {
    env = {
      ...(await isolatedBatonEnv(engine)),
      BATON_PORT: String(await freePort()),
      BATON_METRICS_PORT: String(await freePort()),
      BATON_WORKERS: '2',
    };
    server = await serveBaton(['--json'], { env, timeoutMs: 60_000 });
    const report = JSON.parse(server.stdout());
    expect(report.workers).toBe(2);
    expect(workersOf(server.child.pid!)).toHaveLength(2);
    base = `${server.url}/demo`;
    clientId = report.demo.client_id;
    expect(
      (await runBatonJson(['user', 'create', '--tenant', 'demo', '--email', email, '--password', password], { env }))
        .code,
    ).toBe(0);
  });

  it('never forks a session when both workers race refreshes of one token', async () => {
    const refresh = (refreshToken: string) =>
      postForm(`${base}/oauth2/v2.0/token`, {
        client_id: clientId,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      });
    for (let round = 0; round < 3; round += 1) {
      const signIn = await signInWithPassword(base, clientId, email, password);
      expect(signIn.status).toBe(200);
      const raced = await Promise.all(Array.from({ length: 20 }, () => refresh(signIn.body.refresh_token)));
      expect(raced.map((answer) => answer.status)).toEqual(raced.map(() => 200));
      const successors = new Set(raced.map((answer) => answer.body.refresh_token));
      expect(successors.size).toBe(1);
      // The one successor carries the session on; a fork would have left it consumed or revoked.
      expect((await refresh([...successors][0])).status).toBe(200);
    }
  });

  it('sums both workers in the metrics listener', async () => {
    const text = await (await fetch(`http://127.0.0.1:${env.BATON_METRICS_PORT}/metrics`)).text();
    const rotated = /^baton_refresh_rotations_total\{outcome="rotated"\} (\d+)/m.exec(text)?.[1];
    // Each round: one rotation wins the race, then its successor rotates.
    expect(Number(rotated)).toBe(6);
  });

  it('replaces a worker that dies, and the replacement serves', async () => {
    const [victim] = workersOf(server.child.pid!);
    process.kill(victim!, 'SIGKILL');
    const workers = await eventually(
      () => workersOf(server.child.pid!),
      (pids) => pids.length === 2 && !pids.includes(victim!),
    );
    expect(workers).toHaveLength(2);
    expect(workers).not.toContain(victim);
    // Connections go to the workers in turn: several in a row reach both, the new one included.
    for (let i = 0; i < 4; i += 1) expect(await healthOnNewConnection(server.url)).toBe(200);
  }, 60_000);

  it('stops every worker on SIGTERM and exits 0', async () => {
    const workers = workersOf(server.child.pid!);
    const exit = await server.stop('SIGTERM');
    expect(exit.code).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('baton serve with workers on a port in use', () => {
  let holder: Server;
  afterAll(async () => {
    await new Promise((resolve) => holder?.close(resolve));
    await stopAllProcesses();
  });

  it('fails with the operator message, and leaves no worker behind', async () => {
    const port = await freePort();
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    const env = { ...(await isolatedBatonEnv('sqlite')), BATON_PORT: String(port), BATON_WORKERS: '2' };
    const exit = await runBaton(['serve'], { env });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
  });
});
