import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { migrate, openDatabase } from '../../storage/database.js';
import type { RunCommand } from '../output.js';

export function migrateCommand(program: Command, run: RunCommand) {
  run(program.command('migrate').description('bring the database schema up to date'), async (out) => {
    const database = openDatabase(loadConfig().databaseUrl);
    try {
      const applied = await migrate(database);
      out.result({ engine: database.engine, applied }, () =>
        applied.length ? `Applied ${applied.join(', ')}` : 'The schema is up to date',
      );
    } finally {
      await database.close();
    }
  });
}
