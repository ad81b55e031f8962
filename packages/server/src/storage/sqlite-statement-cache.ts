import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Kysely's SQLite driver prepares every statement it runs; preparing cost more than
 * running on the token path. This keeps the prepared statements by SQL text (Kysely's
 * SQL is parameterised, so the set is the set of queries in the code, bounded anyway).
 * A statement still being iterated (a streamed select) is never handed out twice.
 */
export function withStatementCache(sqlite: BetterSqlite3.Database, limit = 500): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(sql);
      if (!cached) {
        if (statements.size >= limit) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
