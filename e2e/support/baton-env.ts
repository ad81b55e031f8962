import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabaseUrl, type EngineName } from '../../packages/server/test/support/databases.js';

/** BATON_* settings for one isolated installation: a fresh database of `engine`, its own data folder and master key. */
export async function isolatedBatonEnv(engine: EngineName): Promise<Record<string, string>> {
  return {
    BATON_DATABASE_URL: await freshDatabaseUrl(engine),
    BATON_DATA_DIR: mkdtempSync(join(tmpdir(), 'baton-e2e-data-')),
    BATON_MASTER_KEY: randomBytes(32).toString('base64'),
    BATON_LOG_LEVEL: 'warn',
  };
}

/** A new empty folder, as a newcomer's checkout would be before the first start. */
export function emptyFolder(): string {
  return mkdtempSync(join(tmpdir(), 'baton-e2e-folder-'));
}
