import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from './database.js';

/** Direct writes commit in groups, one per turn of the event loop (sqlite-connection.ts). */
describe('SQLite group commit', () => {
  let dir: string;
  let handle: DatabaseHandle;
  /** A second connection to the file: it sees only what was committed. */
  let observer: BetterSqlite3.Database;
  const committedKeys = () => observer.prepare('SELECT key FROM items ORDER BY key').pluck().all() as string[];
  const insert = (key: string) => handle.sql.run('INSERT INTO items (key) VALUES (?)', [key]);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-group-commit-'));
    handle = openDatabase(join(dir, 'baton.db'));
    await sql`CREATE TABLE items (key TEXT PRIMARY KEY)`.execute(handle.db);
    // parent_key is checked at COMMIT, which lets a test make a commit fail
    await sql`CREATE TABLE children (key TEXT PRIMARY KEY, parent_key TEXT REFERENCES items (key) DEFERRABLE INITIALLY DEFERRED)`.execute(
      handle.db,
    );
    observer = new BetterSqlite3(join(dir, 'baton.db'), { readonly: true });
  });

  afterEach(async () => {
    observer.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes of one turn together, and answers each only once they are committed', async () => {
    const seenAtAnswer: string[][] = [];
    const writes = ['a', 'b', 'c', 'd'].map((key) =>
      insert(key).then(() => {
        seenAtAnswer.push(committedKeys());
      }),
    );
    await Promise.all(writes);
    expect(seenAtAnswer).toEqual([
      ['a', 'b', 'c', 'd'],
      ['a', 'b', 'c', 'd'],
      ['a', 'b', 'c', 'd'],
      ['a', 'b', 'c', 'd'],
    ]);
  });

  it('rolls back a transaction that throws and commits the rest of its group', async () => {
    const kept = insert('kept');
    const failing = handle.sql.transaction(async (tx) => {
      await tx.run('INSERT INTO items (key) VALUES (?)', ['rolled-back']);
      await tx.run('INSERT INTO items (key) VALUES (?)', ['kept']);
    });
    const results = await Promise.allSettled([kept, failing, insert('also-kept')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committedKeys()).toEqual(['also-kept', 'kept']);
  });

  it('reads what is committed: a write still waiting for its group is not seen yet', async () => {
    const written = insert('pending');
    expect(await handle.sql.query('SELECT key FROM items', [])).toEqual([]);
    await written;
    expect(await handle.sql.query('SELECT key FROM items', [])).toEqual([{ key: 'pending' }]);
  });

  it('fails every write of a group whose commit fails, and keeps none of them', async () => {
    const results = await Promise.allSettled([
      insert('innocent'),
      handle.sql.run('INSERT INTO children (key, parent_key) VALUES (?, ?)', ['orphan', 'no-such-item']),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    expect(committedKeys()).toEqual([]);
    await insert('after');
    expect(committedKeys()).toEqual(['after']);
  });

  it('fails every write of a group whose transaction a full disk ended, and commits the next group', async () => {
    const { page_count: pages } = observer.prepare('PRAGMA page_count').get() as { page_count: number };
    await sql.raw(`PRAGMA max_page_count = ${pages + 2}`).execute(handle.db);
    const results = await Promise.allSettled([insert('lost'), insert('x'.repeat(100_000)), insert('not-tried')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_FULL' });
    expect(committedKeys()).toEqual([]);
    await insert('next');
    expect(committedKeys()).toEqual(['next']);
  });

  it('never runs a waiting write inside a Kysely transaction that is open meanwhile', async () => {
    let direct: Promise<number> | undefined;
    await expect(
      handle.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('items' as never)
          .values({ key: 'rolled-back' } as never)
          .execute();
        direct = insert('direct');
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await direct).toBe(1);
    expect(committedKeys()).toEqual(['direct']);
  });

  it('refuses a write while a transaction it did not begin is open, and leaves that transaction alone', async () => {
    await sql`BEGIN IMMEDIATE`.execute(handle.db);
    await sql`INSERT INTO items (key) VALUES ('migration')`.execute(handle.db);
    await expect(insert('direct')).rejects.toThrow(/within a transaction/);
    await sql`COMMIT`.execute(handle.db);
    expect(committedKeys()).toEqual(['migration']);
  });

  it('commits the writes still waiting when the database closes', async () => {
    const direct = insert('last');
    await handle.close();
    await direct;
    expect(committedKeys()).toEqual(['last']);
    handle = openDatabase(join(dir, 'baton.db'));
  });
});
