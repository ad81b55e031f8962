import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, it } from 'vitest';
import { openDatabase } from './database.js';

const until = async (condition: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('checkpointInBackground', () => {
  it('copies committed pages into the database file while the serving connection writes, and stops on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-checkpoint-'));
    const path = join(dir, 'db.sqlite');
    const handle = openDatabase(path);
    await sql`CREATE TABLE blobs (data BLOB)`.execute(handle.db);
    const before = statSync(path).size;
    handle.checkpointInBackground();
    // 200 pages of data, far below SQLite's own checkpoint threshold: only the worker moves them
    for (let i = 0; i < 50; i += 1) await sql`INSERT INTO blobs VALUES (randomblob(16000))`.execute(handle.db);
    await until(() => statSync(path).size > before + 700_000);
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
