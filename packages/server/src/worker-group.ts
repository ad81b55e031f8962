import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { startMetricsListener, type MetricsListener } from './metrics/metrics-listener.js';

/** What a worker tells its primary once it has tried to start. */
export type WorkerReport = { kind: 'listening'; url: string } | { kind: 'failed'; message: string; code?: string };

/** A worker that could not start: its error, with the code (`EADDRINUSE`...) kept for the operator's message. */
export class WorkerStartError extends Error {
  override name = 'WorkerStartError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface WorkerGroup {
  /** The address the workers share. */
  url: string;
  count: number;
  /** The cluster's metrics listener, when one was asked for. */
  metrics: MetricsListener | undefined;
  close(): Promise<void>;
}

/** A worker that dies after starting is replaced after this long (a crash loop costs one fork a second). */
const replaceAfterMs = 1000;

/**
 * In the primary: forks `count` workers, each a whole `baton serve` sharing the port
 * (node:cluster hands connections out in turn), and resolves once every one listens. A
 * worker that cannot start fails the group with its error, the others stopped. A worker
 * that dies later is logged and replaced. With `metrics`, the primary serves the sum of the
 * workers' metrics (prom-client's AggregatorRegistry) on the metrics listener.
 */
export async function startWorkerGroup(
  count: number,
  options: { logger: Logger; metrics?: { host: string; port: number } },
): Promise<WorkerGroup> {
  const { logger } = options;
  let closing = false;
  let started = false;
  const fork = () => {
    const worker = cluster.fork();
    worker.once('exit', (code, signal) => {
      if (closing || !started) return;
      logger.error({ pid: worker.process.pid, code, signal }, 'a worker stopped; starting another');
      setTimeout(() => {
        if (!closing) fork();
      }, replaceAfterMs).unref();
    });
    return worker;
  };
  const workers = Array.from({ length: count }, fork);
  const stopAll = async () => {
    closing = true;
    await Promise.all(Object.values(cluster.workers ?? {}).map((worker) => worker && stopWorker(worker)));
  };
  let url: string;
  try {
    [url] = (await Promise.all(workers.map(listening))) as [string];
  } catch (error) {
    await stopAll();
    throw error;
  }
  started = true;
  const aggregator = options.metrics ? new AggregatorRegistry() : undefined;
  const metrics =
    aggregator && options.metrics
      ? await startMetricsListener(
          { contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() },
          options.metrics,
        ).catch(async (error) => {
          await stopAll();
          throw error;
        })
      : undefined;
  return {
    url,
    count,
    metrics,
    async close() {
      await metrics?.close();
      await stopAll();
    },
  };
}

/** Resolves with the worker's address once it listens; rejects with its error if it cannot start. */
function listening(worker: Worker): Promise<string> {
  return new Promise((resolve, reject) => {
    // Both listeners go once the worker has reported (or died): later messages are prom-client's.
    const settle = () => worker.off('exit', onExit).off('message', onMessage);
    const onExit = (code: number) => {
      settle();
      reject(new WorkerStartError(`A worker exited (${code}) before it was listening`));
    };
    const onMessage = (report: WorkerReport) => {
      if (report.kind !== 'listening' && report.kind !== 'failed') return;
      settle();
      if (report.kind === 'listening') resolve(report.url);
      else reject(new WorkerStartError(report.message, report.code));
    };
    worker.once('exit', onExit).on('message', onMessage);
  });
}

/** Asks a worker to finish its requests and exit (SIGTERM runs its shutdown), and waits for it. */
function stopWorker(worker: Worker): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    worker.once('exit', () => resolve());
    worker.process.kill('SIGTERM');
  });
}

/** In a worker: tells the primary how starting went; resolves once the message is on its way. */
export function reportToPrimary(report: WorkerReport): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(report, undefined, undefined, () => resolve());
  });
}

/** In a worker: lets the primary collect this worker's metrics for its listener. */
export function shareMetricsWithPrimary(registry: Registry): void {
  // Constructing an AggregatorRegistry in a worker installs prom-client's answer to the primary's requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}
