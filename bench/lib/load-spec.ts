import type { JsonWebKey } from 'node:crypto';

/** What one load run sends, handed from the orchestrator to the pinned load worker as JSON. */
export type Scenario =
  /** The same request over and over. */
  | { kind: 'fixed'; path: string; headers: Record<string, string>; form: Record<string, string> }
  /**
   * Refresh grants with rotation: every request presents a token no request has presented
   * before, taken from a shared pool; each answer's successor goes back into the pool.
   * With `dpop`, the tokens are bound to that key and every request carries a fresh proof for `htu`.
   */
  | {
      kind: 'refresh';
      path: string;
      headers: Record<string, string>;
      form: Record<string, string>;
      tokens: string[];
      dpop?: { key: JsonWebKey; htu: string };
    }
  /**
   * A complete native-auth password sign-in: initiate, challenge, token. Each connection
   * signs in its own account of `usernames`, as real users do: guesses at one account
   * racing each other are held back by the lockout, and so would be these.
   */
  | { kind: 'sign-in'; tenantPath: string; clientId: string; usernames: string[]; password: string };

export interface LoadSpec {
  url: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  scenario: Scenario;
  /**
   * The server's processes (Baton, and PostgreSQL when it holds Baton's database), whose CPU
   * use, with that of every process under them, the worker records during the measured run.
   */
  serverPids: number[];
}

export interface Latency {
  p50: number;
  p99: number;
}

export interface LoadResult extends Latency {
  /** Successful (2xx) responses in the measured run, and how many per second. */
  ok: number;
  rps: number;
  /** Non-2xx answers, connection errors and timeouts: a clean run has none. */
  failed: number;
  errors: number;
  seconds: number;
  /** For sign-ins: whole flows (three requests each) completed, per second, and their latency. */
  flows?: Latency & { count: number; rps: number };
  firstFailure?: string;
  /** For refresh runs: the unused tokens left in the pool, for another run. */
  tokens?: string[];
  /** CPU in cores during the measured run: the server (all its processes), autocannon, and every other process on the machine. */
  cpu: { server: number; loader: number; others: number };
  /** Bytes the server's processes wrote to storage during the measured run (bench/lib/storage-writes.ts). */
  written: number;
}

/** Nearest-rank percentiles of latencies in milliseconds. */
export function percentiles(samples: number[]): Latency {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) =>
    sorted.length === 0
      ? Number.NaN
      : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { p50: at(0.5), p99: at(0.99) };
}
