import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/storage/database.js';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import { engines, freshDatabaseUrl } from '../support/databases.js';

describe.each(engines)('migrations on %s', (engine) => {
  const allMigrations = async () => Object.keys(await migrationProvider(engine).getMigrations()).sort();

  it('applies every migration once; a second run applies nothing', async () => {
    const handle = openDatabase(await freshDatabaseUrl(engine));
    try {
      expect(await migrate(handle)).toEqual(await allMigrations());
      expect(await migrate(handle)).toEqual([]);
    } finally {
      await handle.close();
    }
  });

  it('lets two instances migrate one database at the same time', async () => {
    const url = await freshDatabaseUrl(engine);
    const handles = [openDatabase(url), openDatabase(url)];
    try {
      const applied = await Promise.all(handles.map((h) => migrate(h)));
      expect(applied.flat().sort()).toEqual(await allMigrations());
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });

  it('keeps session_refresh_tokens to its (session, slot) key and its expiry, without a rowid on SQLite', async () => {
    const handle = openDatabase(await freshDatabaseUrl(engine));
    try {
      await migrate(handle);
      if (engine === 'sqlite') {
        const indexes = await sql<{
          name: string;
          origin: string;
        }>`PRAGMA index_list(session_refresh_tokens)`.execute(handle.db);
        expect(
          indexes.rows.map((index) => `${index.origin} ${index.origin === 'pk' ? '' : index.name}`.trim()).sort(),
        ).toEqual(['c session_refresh_tokens_expiry', 'pk']);
        const [table] = (
          await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE name = 'session_refresh_tokens'`.execute(
            handle.db,
          )
        ).rows;
        expect(table?.sql).toMatch(/without rowid$/i);
      } else {
        const indexes = await sql<{ indexdef: string }>`SELECT indexdef FROM pg_indexes
            WHERE tablename = 'session_refresh_tokens' ORDER BY indexname`.execute(handle.db);
        expect(indexes.rows.map((index) => index.indexdef.replace(/^.* USING /, ''))).toEqual([
          'btree (expires_at)',
          'btree (session_id, slot)',
        ]);
      }
    } finally {
      await handle.close();
    }
  });
});

describe('SQLite', () => {
  it('opens the database in WAL mode with foreign keys enforced', async () => {
    const handle = openDatabase(await freshDatabaseUrl('sqlite'));
    try {
      const journal = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(handle.db);
      const foreignKeys = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(handle.db);
      expect(journal.rows[0]?.journal_mode).toBe('wal');
      expect(foreignKeys.rows[0]?.foreign_keys).toBe(1);
    } finally {
      await handle.close();
    }
  });

  it('keeps refresh_tokens to its digest key and its expiry (for the sweep): every other index would be written on each rotation', async () => {
    const handle = openDatabase(await freshDatabaseUrl('sqlite'));
    try {
      await migrate(handle);
      const indexes = await sql<{ name: string; origin: string }>`PRAGMA index_list(refresh_tokens)`.execute(handle.db);
      expect(
        indexes.rows.map((index) => `${index.origin} ${index.origin === 'pk' ? '' : index.name}`.trim()).sort(),
      ).toEqual(['c refresh_tokens_expiry', 'pk']);
    } finally {
      await handle.close();
    }
  });
});
