import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../config/config.js';
import type { DatabaseHandle } from './database.js';
import { engineOf } from '../config/engine.js';

/**
 * Only `serve`, `migrate` and `tenant create` may create a database. Every other command
 * run where there is none fails here, saying where it looked and how to point it at the
 * right one, instead of creating an empty database (and master key) in the wrong folder.
 */
export function assertSqliteFilePresent(url: string): void {
  if (engineOf(url) !== 'sqlite' || url === ':memory:' || existsSync(url)) return;
  const path = resolve(url);
  const how = process.env.BATON_DATABASE_URL
    ? 'named by BATON_DATABASE_URL'
    : process.env.BATON_DATA_DIR
      ? 'BATON_DATABASE_URL is unset, so baton.db in BATON_DATA_DIR'
      : 'BATON_DATABASE_URL is unset, so data/baton.db under the current folder';
  throw new ConfigError(
    `No Baton database at ${path} (${how}). Run the command in the folder where Baton runs (where \`npm start\` made data/), or set BATON_DATABASE_URL to its database (and BATON_DATA_DIR to the folder of its master key); \`baton migrate\` creates an empty one`,
  );
}

/** Refuses a PostgreSQL database without Baton's tables (`baton migrate` makes them). */
export async function assertSchemaPresent(database: DatabaseHandle, url: string): Promise<void> {
  if (database.engine !== 'postgres') return;
  const tables = await database.db.introspection.getTables();
  if (tables.some((table) => table.name === 'tenants')) return;
  const shown = new URL(url);
  if (shown.password) shown.password = '***';
  throw new ConfigError(
    `The PostgreSQL database ${shown.toString()} (BATON_DATABASE_URL) has no Baton tables. Set BATON_DATABASE_URL to the database Baton runs on, or run \`baton migrate\` to create them`,
  );
}
