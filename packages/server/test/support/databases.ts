import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

export type EngineName = 'sqlite' | 'postgres';

/** Both engines, for `describe.each(engines)`: every storage-touching suite runs on each. */
export const engines: EngineName[] = ['sqlite', 'postgres'];

/** A fresh, empty database of the engine: a temp SQLite file, or a new database in the run's cluster. */
export async function freshDatabaseUrl(engine: EngineName): Promise<string> {
  if (engine === 'sqlite') return join(mkdtempSync(join(tmpdir(), 'baton-sqlite-')), 'baton.db');
  const admin = new pg.Client({ connectionString: inject('postgresUrl') });
  await admin.connect();
  const name = `baton_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}
