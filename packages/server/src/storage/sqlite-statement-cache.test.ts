import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { statementCache } from './sqlite-statement-cache.js';

function database() {
  const sqlite = new BetterSqlite3(':memory:');
  sqlite.exec('CREATE TABLE t (n INTEGER)');
  sqlite.prepare('INSERT INTO t VALUES (1), (2), (3)').run();
  return sqlite;
}

describe('statementCache', () => {
  it('prepares a statement once per SQL text', () => {
    const prepare = statementCache(database());
    const first = prepare('SELECT n FROM t');
    expect(prepare('SELECT n FROM t')).toBe(first);
    expect(prepare('SELECT n FROM t WHERE n > ?')).not.toBe(first);
  });

  it('hands out a fresh statement while the cached one is being iterated', () => {
    const prepare = statementCache(database());
    const streaming = prepare('SELECT n FROM t');
    const rows = streaming.iterate();
    rows.next();
    const other = prepare('SELECT n FROM t');
    expect(other).not.toBe(streaming);
    expect(other.all()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    rows.return?.();
  });

  it('keeps at most `limit` statements, dropping the oldest', () => {
    const prepare = statementCache(database(), 2);
    const first = prepare('SELECT 1');
    prepare('SELECT 2');
    prepare('SELECT 3');
    expect(prepare('SELECT 1')).not.toBe(first);
  });
});
