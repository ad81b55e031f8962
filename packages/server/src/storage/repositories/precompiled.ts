import type { Compilable, Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * A query built and compiled once, then run with fresh parameter values. Kysely builds
 * and compiles a query on every call; for the 25-column join that finds a refresh token
 * that cost more than SQLite running it. Give the values in the order the query binds
 * them: keep such queries to one parameter, where the order cannot be wrong.
 */
export function precompiled<Row>(db: Kysely<Database>, query: Compilable<Row>) {
  const compiled = query.compile();
  return async (...parameters: unknown[]): Promise<Row[]> => (await db.executeQuery<Row>({ ...compiled, parameters })).rows;
}
