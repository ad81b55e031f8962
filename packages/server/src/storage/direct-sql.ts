import type pg from 'pg';
import type { SqliteConnection } from './sqlite-connection.js';

/**
 * Plain parameterised SQL, portable between the engines, with `?` placeholders. The
 * repositories on the path of every token request and sign-in step (sessions and refresh
 * tokens, users, continuations, DPoP proofs, rate limits, request counters, signing keys,
 * audit) reach the database only this way: Kysely's building, compiling and promise
 * layers cost more there than the database itself (bench/RESULTS.md). The rest reach it
 * only through Kysely (`DatabaseHandle.db`); no repository uses both.
 */
export interface DirectSql extends StatementRunner {
  /** Runs `work` in one write transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: StatementRunner) => Promise<T>): Promise<T>;
  /**
   * SQLite: a number that changes whenever another connection (another process) commits,
   * so a cache can tell its rows may have changed (PRAGMA data_version). PostgreSQL: null,
   * there is no such signal and readers must ask the server.
   */
  externalChangeCounter(): number | null;
}

export interface StatementRunner {
  /** The rows a query returns. */
  query<Row>(sql: string, parameters: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, parameters: readonly unknown[]): Promise<number>;
}

export function sqliteDirectSql(connection: SqliteConnection): DirectSql {
  const rows = <Row>(sql: string, parameters: readonly unknown[]) => connection.statement(sql).all(parameters) as Row[];
  const changes = (sql: string, parameters: readonly unknown[]) => connection.statement(sql).run(parameters).changes;
  // inside a transaction the connection is already held
  const runner: StatementRunner = {
    query: async (sql, parameters) => rows(sql, parameters),
    run: async (sql, parameters) => changes(sql, parameters),
  };
  const dataVersion = connection.sqlite.prepare('PRAGMA data_version').pluck();
  return {
    query: (sql, parameters) => connection.exclusive(() => rows(sql, parameters)),
    run: (sql, parameters) => connection.write(() => changes(sql, parameters), false),
    // Committed with the other writes of the same turn of the event loop (sqlite-connection.ts).
    transaction: (work) => connection.write(() => work(runner), true),
    externalChangeCounter: () => dataVersion.get() as number,
  };
}

export function postgresDirectSql(pool: pg.Pool): DirectSql {
  const numbered = new Map<string, string>();
  /** `?` placeholders as PostgreSQL's `$1, $2, ...`, translated once per statement. */
  const text = (sql: string) => {
    let translated = numbered.get(sql);
    if (translated === undefined) {
      let position = 0;
      translated = sql.replace(/\?/g, () => {
        position += 1;
        return `$${position}`;
      });
      numbered.set(sql, translated);
    }
    return translated;
  };
  const runnerOf = (client: pg.Pool | pg.PoolClient): StatementRunner => ({
    query: async <Row>(sql: string, parameters: readonly unknown[]) =>
      (await client.query(text(sql), [...parameters])).rows as Row[],
    run: async (sql, parameters) => (await client.query(text(sql), [...parameters])).rowCount ?? 0,
  });
  return {
    ...runnerOf(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        try {
          const result = await work(runnerOf(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      } finally {
        client.release();
      }
    },
    externalChangeCounter: () => null,
  };
}

/**
 * An insert of `columns` into `table`: the statement is built once, each call binds a row's
 * values in column order.
 */
export function insertInto<Row extends object>(table: string, columns: readonly (keyof Row & string)[]) {
  const text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders(columns.length)})`;
  return (runner: StatementRunner, row: Row): Promise<number> =>
    runner.run(
      text,
      columns.map((column) => row[column]),
    );
}

/** `count` comma-separated `?` placeholders, for a row's values or an `IN (...)` list. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
