import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

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
export function parseLogLine(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Polls `url` until it answers 2xx (true), `server` exits or 20 s pass (false). */
export async function waitForServer(url: string, server: ChildProcess): Promise<boolean> {
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
