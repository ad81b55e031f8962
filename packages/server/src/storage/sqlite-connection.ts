import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { statementCache } from './sqlite-statement-cache.js';

/** A write waiting for the next group commit. */
interface PendingWrite {
  work: () => Promise<unknown> | unknown;
  atomic: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The one SQLite connection of a process, shared by Kysely and by the plain statements
 * (direct-sql.ts). better-sqlite3 runs statements synchronously, but a
 * Kysely transaction spans awaits: whoever uses the connection holds its lock, so no
 * statement ever lands inside another caller's open transaction.
 *
 * Direct writes commit in groups. The writes asked for during one turn of the event loop
 * (concurrent requests, each its own `write`) run when the turn ends, one after the other
 * in one write transaction, committed once. Each is atomic on its own (a savepoint: one
 * that throws is rolled back and the others stay), and its caller hears back only after
 * the COMMIT, so an answer never promises what a failed commit lost. In WAL mode a commit
 * costs more than the statements of a token rotation (bench/RESULTS.md); shared, it is
 * paid once per turn instead of once per request. Reads run at once and see what is
 * committed. The write lock is held only while the group runs, as briefly as one
 * transaction of its own would hold it, so other processes on the file (the CLI) get
 * their turn.
 */
export class SqliteConnection {
  /** A prepared statement for `sql`, kept for the next call. */
  readonly statement: (sql: string) => BetterSqlite3.Statement;
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private pending: PendingWrite[] = [];

  constructor(readonly sqlite: BetterSqlite3.Database) {
    this.statement = statementCache(sqlite);
  }

  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => {
      this.release = resolve;
    });
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

  /**
   * Runs `work` in the next group commit; resolves with its result once the group has
   * committed. `atomic` work (several statements) runs in a savepoint; a single statement
   * is atomic by itself.
   */
  write<T>(work: () => Promise<T> | T, atomic: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // After the I/O callbacks of this turn, whose requests add their writes meanwhile.
      if (this.pending.length === 0) setImmediate(() => void this.commitGroup());
      this.pending.push({ work, atomic, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  async close(): Promise<void> {
    await this.commitGroup();
    this.sqlite.close();
  }

  /** Runs the writes waiting so far in one transaction and commits it. */
  private async commitGroup(): Promise<void> {
    await this.lock();
    const group = this.pending;
    this.pending = [];
    try {
      if (group.length > 0) await this.runGroup(group);
    } finally {
      this.unlock();
    }
  }

  private async runGroup(group: PendingWrite[]): Promise<void> {
    const done: { write: PendingWrite; value: unknown }[] = [];
    let began = false;
    try {
      this.statement('BEGIN IMMEDIATE').run();
      began = true;
      for (const write of group) {
        if (write.atomic) this.statement('SAVEPOINT baton_write').run();
        try {
          const value = await write.work();
          if (write.atomic) this.statement('RELEASE baton_write').run();
          done.push({ write, value });
        } catch (error) {
          // SQLite rolled the whole transaction back (a full disk, an I/O error): that fails every write of the group.
          if (!this.sqlite.inTransaction) throw error;
          if (write.atomic) {
            this.statement('ROLLBACK TO baton_write').run();
            this.statement('RELEASE baton_write').run();
          }
          write.reject(error);
        }
      }
      this.statement('COMMIT').run();
    } catch (error) {
      // SQLite may have rolled back already, and a transaction this group did not begin (a migration's) is not its to end.
      if (began && this.sqlite.inTransaction) this.statement('ROLLBACK').run();
      // a write refused on its own above keeps its own error
      for (const write of group) write.reject(error);
      return;
    }
    for (const { write, value } of done) write.resolve(value);
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
    await this.connection.close();
  }
}
