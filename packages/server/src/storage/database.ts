import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { engineOf, type Engine } from '../config/engine.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import { checkpointInBackground } from './sqlite-checkpointer.js';
import { postgresDirectSql, sqliteDirectSql, type DirectSql } from './direct-sql.js';
import { SqliteConnection, sqliteDialect } from './sqlite-connection.js';
import { withSqliteWriteLock } from './sqlite-write-lock.js';

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** The same database as plain statements, for the repositories that use them (see direct-sql.ts). */
  sql: DirectSql;
  engine: Engine;
  /** SQLite: checkpoint the WAL on a worker thread from now on (see sqlite-checkpointer.ts); nothing on PostgreSQL. */
  checkpointInBackground(): void;
  /**
   * SQLite: a consistent copy of the whole database into the new file `path`, taken online
   * (a serving process may keep writing). PostgreSQL: refused, pg_dump does it.
   */
  backup(path: string): Promise<void>;
  close(): Promise<void>;
}

/** A backup that cannot be made as asked. */
export class DatabaseBackupError extends Error {
  override name = 'DatabaseBackupError';
}

/** How long a request waits for a PostgreSQL connection before it fails. */
export const postgresConnectTimeoutMs = 5000;

/**
 * Opens the database `BATON_DATABASE_URL` names. SQLite runs in WAL mode with foreign keys
 * on. `onConnectionLost` hears of a pooled PostgreSQL connection the server closed while
 * idle (a restart, a failover, an administrator): the pool drops it and opens another.
 */
export function openDatabase(
  url: string,
  options: { poolSize?: number; connectTimeoutMs?: number; onConnectionLost?: (error: Error) => void } = {},
): DatabaseHandle {
  const engine = engineOf(url);
  if (engine === 'postgres') {
    const types = {
      // bigint columns hold epoch milliseconds, well inside a double's exact range.
      getTypeParser: (oid: number, format?: string) =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'),
    };
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      types: types as pg.CustomTypesConfig,
      // A server that does not answer fails the request (503) instead of holding it forever.
      connectionTimeoutMillis: options.connectTimeoutMs ?? postgresConnectTimeoutMs,
    });
    // Unheard, that error event would end the process.
    pool.on('error', (error) => options.onConnectionLost?.(error));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      sql: postgresDirectSql(pool),
      engine,
      checkpointInBackground: () => {},
      close: () => db.destroy(),
      backup: async () => {
        throw new DatabaseBackupError(
          "Back up a PostgreSQL database with pg_dump (or your provider's snapshots); baton backup copies SQLite files",
        );
      },
    };
  }
  const sqlite = openSqlite(url);
  const connection = new SqliteConnection(sqlite);
  const db = new Kysely<Database>({ dialect: sqliteDialect(connection) });
  let stopCheckpoints: (() => Promise<void>) | undefined;
  return {
    db,
    sql: sqliteDirectSql(connection),
    engine,
    checkpointInBackground() {
      if (url !== ':memory:') stopCheckpoints ??= checkpointInBackground(sqlite, url, sqlitePragmas);
    },
    async backup(path) {
      if (existsSync(path)) throw new DatabaseBackupError(`${path} already exists; a backup never overwrites a file`);
      mkdirSync(dirname(path), { recursive: true });
      await sqlite.backup(path);
    },
    async close() {
      await stopCheckpoints?.();
      await db.destroy();
    },
  };
}

/** How Baton opens every SQLite connection. */
const sqlitePragmas = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'foreign_keys = ON',
  'busy_timeout = 5000',
] as const;

/** An SQLite connection as Baton uses it (the benchmark's floor opens its file the same way). */
export function openSqlite(path: string): BetterSqlite3.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  for (const pragma of sqlitePragmas) sqlite.pragma(pragma);
  return sqlite;
}

/** Brings the schema up to date; safe to run on every start and from several instances. */
export async function migrate(handle: DatabaseHandle): Promise<string[]> {
  const migrator = new Migrator({ db: handle.db, provider: migrationProvider(handle.engine) });
  const run = async () => {
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  };
  // PostgreSQL runs under Kysely's own advisory lock; SQLite needs one of ours.
  return handle.engine === 'sqlite' ? withSqliteWriteLock(handle.db, run) : run();
}
