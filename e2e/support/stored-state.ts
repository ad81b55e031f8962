import type { Repositories } from '../../packages/server/src/core/ports.js';
import { openDatabase } from '../../packages/server/src/storage/database.js';
import { createRepositories } from '../../packages/server/src/storage/repositories/index.js';

/** Reads what a CLI or server process stored, straight from its database. */
export async function readStored<T>(databaseUrl: string, read: (repos: Repositories) => Promise<T>): Promise<T> {
  const database = openDatabase(databaseUrl);
  try {
    return await read(createRepositories(database));
  } finally {
    await database.close();
  }
}
