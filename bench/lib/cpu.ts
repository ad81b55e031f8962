import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Linux's clock tick for /proc times (USER_HZ, 100 on every mainstream kernel). */
const ticksPerSecond = 100;

interface Snapshot {
  at: number;
  /** Busy ticks of all cores together (everything but idle and iowait). */
  busy: number;
  /** user + system ticks of each watched process. */
  processes: number[];
}

function machineBusyTicks(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return total - fields[3]! - fields[4]!;
}

/** The fields of /proc/PID/stat after the command name (which may hold spaces), or null once the process is gone. */
function statFields(pid: number | string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function processTicks(pid: number): number {
  const fields = statFields(pid);
  return fields ? Number(fields[11]) + Number(fields[12]) : 0;
}

/** `pid` and every process under it now: Baton's workers, PostgreSQL's backends. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const parent = /^\d+$/.test(entry) ? Number(statFields(entry)?.[1]) : Number.NaN;
    if (Number.isInteger(parent)) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i += 1) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

export function snapshot(pids: number[]): Snapshot {
  return { at: performance.now(), busy: machineBusyTicks(), processes: pids.map(processTicks) };
}

/**
 * CPU used between two snapshots, in cores: by each watched process, and by everything
 * else on the machine (a benchmark shares it with nothing when `others` stays near 0).
 */
export function cpuBetween(start: Snapshot, end: Snapshot): { processes: number[]; others: number } {
  const seconds = (end.at - start.at) / 1000;
  const cores = (ticks: number) => ticks / ticksPerSecond / seconds;
  const processes = end.processes.map((t, i) => cores(t - start.processes[i]!));
  return { processes, others: Math.max(0, cores(end.busy - start.busy) - processes.reduce((a, b) => a + b, 0)) };
}

/**
 * Waits until the machine is quiet (other processes use less than `threshold` of a core
 * over a second), up to `timeoutMs`; returns the load last seen.
 */
export async function waitForQuiet(threshold = 0.1, timeoutMs = 60_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const start = snapshot([process.pid]);
    await sleep(1000);
    const { others } = cpuBetween(start, snapshot([process.pid]));
    if (others < threshold || performance.now() > deadline) return others;
  }
}
