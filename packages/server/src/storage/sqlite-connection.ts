import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely';
import { statementCache } from './sqlite-statement-cache.js';

/**
 * The one SQLite connection of a process, shared by Kysely and by the direct statements
 * of the hot paths (direct-sql.ts). better-sqlite3 runs statements synchronously, but a
 * Kysely transaction spans awaits: whoever uses the connection holds its lock, so no
 * statement ever lands inside another caller's open transaction.
 */
export class SqliteConnection {
  /** A prepared statement for `sql`, kept for the next call. */
  readonly statement: (sql: string) => BetterSqlite3.Statement;
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  constructor(readonly sqlite: BetterSqlite3.Database) {
    this.statement = statementCache(sqlite);
  }

  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => { this.release = resolve; });
  }

  unlock(): void {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }

  /** Runs `work` (synchronous statements) while holding the connection. */
  async exclusive<T>(work: () => T): Promise<T> {
    await this.lock();
    try {
      return work();
    } finally {
      this.unlock();
    }
  }

  close(): void {
    this.sqlite.close();
  }
}

/** Kysely's SQLite dialect, driving `connection` under its lock. */
export function sqliteDialect(connection: SqliteConnection): SqliteDialect {
  const dialect = new SqliteDialect({ database: connection.sqlite });
  dialect.createDriver = () => new SharedConnectionDriver(connection);
  return dialect;
}

class SharedConnectionDriver implements Driver {
  private readonly kyselyConnection: DatabaseConnection;

  constructor(private readonly connection: SqliteConnection) {
    this.kyselyConnection = {
      executeQuery: async <R>({ sql, parameters }: CompiledQuery): Promise<QueryResult<R>> => {
        const statement = connection.statement(sql);
        if (statement.reader) return { rows: statement.all(parameters) as R[] };
        const { changes, lastInsertRowid } = statement.run(parameters);
        return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
      },
      streamQuery: async function* <R>({ sql, parameters }: CompiledQuery) {
        for (const row of connection.statement(sql).iterate(parameters)) yield { rows: [row as R] };
      },
    };
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.connection.lock();
    return this.kyselyConnection;
  }

  async releaseConnection(): Promise<void> {
    this.connection.unlock();
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    this.connection.close();
  }
}
