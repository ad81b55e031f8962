import pg from 'pg';
import { startPostgresCluster } from '../../packages/server/test/support/postgres-cluster.js';
import { pinRunning } from '../lib/pinned.js';

export interface BenchPostgres {
  /** A new empty database in the cluster, for one Baton, and the postmaster to count with it. */
  newDatabase(name: string): Promise<{ url: string; pid: number }>;
  /** Moves the cluster onto `cores`: the backends a server opens afterwards run there too. */
  pin(cores: number | string): void;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster as the tests start one (initdb as the `postgres` user, a
 * free port on 127.0.0.1, no disk syncs: fsync and synchronous_commit off), for Baton's
 * PostgreSQL rows.
 */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  const cluster = await startPostgresCluster();
  return {
    async newDatabase(name) {
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      const url = new URL(cluster.url);
      url.pathname = `/${name}`;
      return { url: url.href, pid: cluster.pid };
    },
    pin: (cores) => pinRunning(cluster.pid, cores),
    stop: () => cluster.stop(),
  };
}
