import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createProtectedApi } from '../protected-api/protected-api.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const batonBin = fileURLToPath(new URL('../../packages/server/bin/baton.js', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

const colors = { baton: 33, phone: 36, watch: 35, tv: 35, demo: 32 } as const;
export type Speaker = keyof typeof colors;

/** One line of the demo's story, prefixed with who says it. */
export function say(who: Speaker, line: string): void {
  const tag = process.stdout.isTTY ? `\x1b[${colors[who]}m[${who}]\x1b[0m` : `[${who}]`;
  process.stdout.write(`${tag.padEnd(process.stdout.isTTY ? 16 : 8)} ${line}\n`);
}

/** Runs `baton <args> --json` to completion and returns its JSON answer. */
export function baton<Answer = unknown>(args: string[], env: NodeJS.ProcessEnv): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [batonBin, ...args, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`baton ${args.join(' ')} failed: ${err || out}`)),
    );
  });
}

/** Starts `baton serve`, a TypeScript script through tsx, or anything else, with each output line handed to `onLine`. */
export function start(
  kind: 'serve' | 'script',
  target: string,
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void,
): ChildProcess {
  const args = kind === 'serve' ? [batonBin, 'serve'] : [tsx, fileURLToPath(new URL(target, import.meta.url))];
  const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream! }).on('line', onLine);
  return child;
}

export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** A JSON log line of Baton's, or null for any other line. */
function parseLogLine(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Polls `url` until it answers 2xx (true), `server` exits or 20 s pass (false). */
async function waitForServer(url: string, server: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (server.exitCode !== null) return false;
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Baton's environment for a demo: a new SQLite file and master key in `dir`; one-time codes logged (no SMTP). */
export function demoEnvironment(dir: string, port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    BATON_DATABASE_URL: join(dir, 'baton.db'),
    BATON_MASTER_KEY: randomBytes(32).toString('base64'),
    BATON_PUBLIC_URL: `http://127.0.0.1:${port}`,
    BATON_PORT: String(port),
    BATON_LOG_LEVEL: 'info',
    BATON_SMTP_URL: '',
    NODE_ENV: 'development',
  };
}

/**
 * `baton serve` for a demo, each one-time code it logs for `user` handed to `typeCode`
 * (the phone's stdin); `ready` once the tenant at `base` answers, false if it never did.
 */
export async function serveBaton(
  env: NodeJS.ProcessEnv,
  base: string,
  user: string,
  typeCode: (code: string) => void,
): Promise<{ server: ChildProcess; ready: boolean }> {
  const server = start('serve', '', env, (line) => {
    // Without BATON_SMTP_URL, Baton logs one-time codes instead of mailing them.
    const entry = parseLogLine(line);
    if (typeof entry?.code === 'string' && entry.to === user) {
      say('baton', `one-time code for ${user}: ${entry.code} (logged, no SMTP configured); typing it into the phone`);
      typeCode(entry.code);
    }
  });
  const ready = await waitForServer(`${base}/v2.0/.well-known/openid-configuration`, server);
  if (ready) say('baton', `serving on ${env.BATON_PUBLIC_URL}`);
  return { server, ready };
}

/** The protected API (examples/protected-api) on a free port, taking the tokens of the app `audience`. */
export async function startDemoApi(base: string, audience: string, appName: string) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const api = createProtectedApi({ issuerBase: base, audiences: [audience], publicUrl: url });
  await api.listen({ port, host: '127.0.0.1' });
  say('demo', `protected API (examples/protected-api) on ${url}, serving the ${appName}'s tokens`);
  return { url, close: () => api.close() };
}

/**
 * One demo's run: the processes it started and what else to close, and `finish`, which
 * stops them all, removes `dir` and exits; after `limitMs` it finishes as a failure.
 */
export function demoRun(dir: string, limitMs = 90_000) {
  const children: ChildProcess[] = [];
  const closers: Array<() => Promise<void>> = [];
  const finish = (code: number, message: string): never => {
    clearTimeout(timer);
    say('demo', message);
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    for (const close of closers) void close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  };
  const timer = setTimeout(() => finish(1, `the demo did not finish within ${limitMs / 1000} s`), limitMs);
  return { children, onFinish: (close: () => Promise<void>) => closers.push(close), finish };
}

/** The demo's tenant, its phone app (email codes, --allow-session-transfer), `device` (the other app) and its user. */
export async function demoTenant(
  env: NodeJS.ProcessEnv,
  tenant: string,
  user: string,
  device: { name: string; flags: string[] },
): Promise<{ phoneApp: { client_id: string }; deviceApp: { client_id: string } }> {
  await baton(['tenant', 'create', tenant], env);
  // Three processes at once (SQLite in WAL mode lets each wait its turn to write): the demo starts sooner.
  const [phoneApp, deviceApp] = await Promise.all([
    baton<{ client_id: string }>(
      [
        'app',
        'create',
        '--tenant',
        tenant,
        '--name',
        'Phone app',
        '--challenge-types',
        'oob',
        '--allow-session-transfer',
      ],
      env,
    ),
    baton<{ client_id: string }>(['app', 'create', '--tenant', tenant, '--name', device.name, ...device.flags], env),
    baton(['user', 'create', '--tenant', tenant, '--email', user, '--name', 'Ada Lovelace'], env),
  ]);
  say(
    'demo',
    `phone app ${phoneApp.client_id} (--allow-session-transfer), ${device.name} ${deviceApp.client_id} (${device.flags.join(' ')}), user ${user}`,
  );
  return { phoneApp, deviceApp };
}
