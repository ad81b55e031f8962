import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './sqlite-statement-cache.js';

function database() {
  const sqlite = new BetterSqlite3(':memory:');
  sqlite.exec('CREATE TABLE t (n INTEGER)');
  sqlite.prepare('INSERT INTO t VALUES (1), (2), (3)').run();
  return sqlite;
}

describe('withStatementCache', () => {
  it('prepares a statement once per SQL text', () => {
    const cached = withStatementCache(database());
    const first = cached.prepare('SELECT n FROM t');
    expect(cached.prepare('SELECT n FROM t')).toBe(first);
    expect(cached.prepare('SELECT n FROM t WHERE n > ?')).not.toBe(first);
  });

  it('hands out a fresh statement while the cached one is being iterated', () => {
    const cached = withStatementCache(database());
    const streaming = cached.prepare('SELECT n FROM t') as unknown as BetterSqlite3.Statement;
    const rows = streaming.iterate();
    rows.next();
    const other = cached.prepare('SELECT n FROM t') as unknown as BetterSqlite3.Statement;
    expect(other).not.toBe(streaming);
    expect(other.all()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    rows.return?.();
  });

  it('keeps at most `limit` statements, dropping the oldest', () => {
    const cached = withStatementCache(database(), 2);
    const first = cached.prepare('SELECT 1');
    cached.prepare('SELECT 2');
    cached.prepare('SELECT 3');
    expect(cached.prepare('SELECT 1')).not.toBe(first);
  });
});
