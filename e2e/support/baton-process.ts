import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JsonAnswer } from '../../packages/server/test/support/http.js';

/** The repository root, where `npx baton` and `npm start` run. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** What `npx baton` runs: the bin script, which loads the TypeScript sources through tsx. */
const batonBin = fileURLToPath(new URL('../../packages/server/bin/baton.js', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface BatonProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** Sends `signal` and waits for the exit; a child still alive after `timeoutMs` is killed. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

export interface SpawnOptions {
  /** BATON_* and NODE_ENV for the child; the test runner's own are never passed on. */
  env?: Record<string, string>;
  cwd?: string;
}

const running = new Set<BatonProcess>();

/** The caller's environment as a user's shell would have it: no BATON_* and no NODE_ENV from the test runner. */
function userEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('BATON_') && name !== 'NODE_ENV'),
  );
  return { ...inherited, ...env };
}

/** Starts `file args` as a child process, tracked until it exits; see spawnBaton for `baton` itself. */
export function spawnProcess(file: string, args: string[], options: SpawnOptions = {}): BatonProcess {
  const child = spawn(file, args, {
    cwd: options.cwd ?? repoRoot,
    env: userEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const handle: BatonProcess = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  running.add(handle);
  void exited.finally(() => running.delete(handle)).catch(() => {});
  return handle;
}

export function spawnBaton(args: string[], options: SpawnOptions = {}): BatonProcess {
  return spawnProcess(process.execPath, [batonBin, ...args], options);
}

/** Runs a command to its end; one that hangs is killed after `timeoutMs` and fails the test. */
export async function runToEnd(started: BatonProcess, timeoutMs = 20_000): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      started.child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms; stderr so far:\n${started.stderr()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([started.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `baton <args>` to its end. */
export function runBaton(args: string[], options: SpawnOptions = {}): Promise<Exit> {
  return runToEnd(spawnBaton(args, options));
}

/**
 * `baton <args> --json`, its whole stdout parsed as one JSON value: parsing fails on
 * anything printed before or after it, which is the contract.
 */
export async function runBatonJson<T = JsonAnswer>(
  args: string[],
  options: SpawnOptions = {},
): Promise<Exit & { json: T }> {
  const exit = await runBaton([...args, '--json'], options);
  try {
    return { ...exit, json: JSON.parse(exit.stdout) as T };
  } catch {
    throw new Error(
      `baton ${args.join(' ')} --json did not print exactly one JSON value (exit ${exit.code}).\nstdout:\n${exit.stdout}\nstderr:\n${exit.stderr}`,
    );
  }
}

/** Ends every process these helpers started and that is still running; for afterAll. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGKILL')));
}
