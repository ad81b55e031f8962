import { setTimeout as sleep } from 'node:timers/promises';
import { spawnBaton, type BatonProcess, type SpawnOptions } from './baton-process.js';

export interface ServedBaton extends BatonProcess {
  /** Where the server listens: http://127.0.0.1:{BATON_PORT}. */
  url: string;
}

/**
 * `baton serve <args>` as a child process, resolved once /healthz answers and the start-up
 * report is on stdout. `options.env` must set BATON_PORT (pick one with freePort()).
 */
export async function serveBaton(
  args: string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<ServedBaton> {
  const port = options.env?.BATON_PORT;
  if (!port) throw new Error('serveBaton needs BATON_PORT in options.env');
  const url = `http://127.0.0.1:${port}`;
  const served = spawnBaton(['serve', ...args], options);
  const deadline = Date.now() + (options.timeoutMs ?? 45_000);
  for (;;) {
    if (served.child.exitCode !== null || served.child.signalCode !== null) {
      throw new Error(
        `baton serve exited (${served.child.exitCode ?? served.child.signalCode}) before it was ready:\n${served.stderr()}`,
      );
    }
    // The report is one small write after listen(), so a complete line means all of it.
    if ((await healthy(url)) && served.stdout().endsWith('\n')) return { ...served, url };
    if (Date.now() > deadline) {
      await served.stop('SIGKILL');
      throw new Error(`baton serve was not ready within the timeout:\n${served.stderr()}`);
    }
    await sleep(100);
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`)).status === 200;
  } catch {
    return false;
  }
}
