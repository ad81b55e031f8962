import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { processTree } from './cpu.js';

/** The core every server under test runs on, and the one the load generator runs on. */
export const serverCore = 0;
export const loadCore = 1;
/** A server with two workers runs on both cores: it shares the load generator's. */
export const bothCores = `${serverCore},${loadCore}`;

/** Stops the run with an install hint when `taskset` (util-linux) or a second core is missing. */
export function assertPinningAvailable(cores: number): void {
  const probe = spawnSync('taskset', ['-c', String(loadCore), 'true']);
  if (probe.error) {
    throw new Error(
      'The benchmark pins processes to cores with `taskset`, which is missing. Install util-linux (Debian/Ubuntu: `sudo apt-get install util-linux`).',
    );
  }
  if (probe.status !== 0 || cores < 2)
    throw new Error(
      `The benchmark needs two cores (server on ${serverCore}, load on ${loadCore}); this machine offers ${cores}.`,
    );
}

export interface PinnedProcess {
  child: ChildProcess;
  /** The first JSON line the process printed on stdout: its "ready" message. */
  ready: Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Runs `node <args>` pinned to `core` (a core, or a taskset list such as `bothCores`) with `taskset`. The child announces itself with
 * one JSON line on stdout; its stderr goes to `stderr` (a file descriptor, or ignored).
 */
export function spawnPinned(
  core: number | string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stderr?: number | 'inherit' | 'ignore' } = {},
): PinnedProcess {
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', options.stderr ?? 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<unknown>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let text = '';
    lines.on('line', (line) => {
      text += `${line}\n`;
      try {
        const value: unknown = JSON.parse(text);
        lines.close();
        child.stdout!.resume();
        resolve(value);
      } catch {
        // a pretty-printed JSON value spans several lines; keep reading
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before it was ready`)));
    child.once('error', reject);
  });
  return {
    child,
    ready,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Pins a running process and its descendants (PostgreSQL's postmaster and backends) to `cores`; children forked later inherit it. */
export function pinRunning(pid: number, cores: number | string): void {
  for (const each of processTree(pid)) spawnSync('taskset', ['-a', '-p', '-c', String(cores), String(each)]);
}
