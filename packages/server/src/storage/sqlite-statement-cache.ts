import type BetterSqlite3 from 'better-sqlite3';

/**
 * Preparing a statement cost more than running it on the token path. This keeps the
 * prepared statements by SQL text (Kysely's SQL is parameterised, as are the direct
 * statements, so the set is the set of queries in the code, bounded anyway). A statement
 * still being iterated (a streamed select) is never handed out twice.
 */
export function statementCache(sqlite: BetterSqlite3.Database, limit = 500): (sql: string) => BetterSqlite3.Statement {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return (sql) => {
    const cached = statements.get(sql);
    if (cached && !cached.busy) return cached;
    const statement = sqlite.prepare(sql);
    if (!cached) {
      if (statements.size >= limit) statements.delete(statements.keys().next().value!);
      statements.set(sql, statement);
    }
    return statement;
  };
}
