import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { DatabaseBackupError, openDatabase } from '../../storage/database.js';
import { engineOf } from '../../config/engine.js';
import type { RunCommand } from '../output.js';

/**
 * `baton backup <file>`: an SQLite database copied safely while Baton serves from it
 * (copying the file itself mid-write, with its WAL beside it, can give a corrupt copy).
 */
export function backupCommand(program: Command, run: RunCommand) {
  run(
    program
      .command('backup')
      .argument('<file>', 'where to write the copy (must not exist yet)')
      .description('copy the SQLite database to a new file, safely while the server runs (PostgreSQL: use pg_dump)'),
    async (out, _options, [file]) => {
      const path = resolve(file!);
      const { databaseUrl } = loadConfig();
      // Opening a missing SQLite file would create an empty database there.
      if (engineOf(databaseUrl) === 'sqlite' && !existsSync(databaseUrl))
        throw new DatabaseBackupError(`There is no database at ${databaseUrl} to back up`);
      const database = openDatabase(databaseUrl);
      try {
        await database.backup(path);
      } finally {
        await database.close();
      }
      const bytes = statSync(path).size;
      out.result({ path, bytes }, () => `Backed up the database to ${path} (${bytes} bytes)`);
    },
  );
}
