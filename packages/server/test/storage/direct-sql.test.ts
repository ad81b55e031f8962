import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { useStore } from './store.js';

const insert = 'INSERT INTO rate_limits (key, failures, locked_until, updated_at) VALUES (?, ?, ?, ?)';
const select = 'SELECT key, failures FROM rate_limits WHERE key = ?';

describe.each(engines)('direct SQL on %s', (engine) => {
  const store = useStore(engine);

  it('runs parameterised statements and counts the rows they change', async () => {
    const { sql } = store().handle;
    expect(await sql.run(insert, ['direct-1', 2, 0, 1])).toBe(1);
    expect(await sql.query(select, ['direct-1'])).toEqual([{ key: 'direct-1', failures: 2 }]);
    expect(await sql.run('UPDATE rate_limits SET failures = failures + 1 WHERE key = ?', ['no-such-key'])).toBe(0);
  });

  it('commits a transaction that succeeds and leaves nothing of one that throws', async () => {
    const { sql } = store().handle;
    await sql.transaction(async (tx) => {
      await tx.run(insert, ['direct-2', 1, 0, 1]);
    });
    await expect(
      sql.transaction(async (tx) => {
        await tx.run(insert, ['direct-3', 1, 0, 1]);
        await tx.run(insert, ['direct-2', 1, 0, 1]);
      }),
    ).rejects.toThrow();
    expect(await sql.query(select, ['direct-2'])).toHaveLength(1);
    expect(await sql.query(select, ['direct-3'])).toEqual([]);
  });

  it('never lands inside a Kysely transaction that is open meanwhile', async () => {
    const { db, sql } = store().handle;
    let direct: Promise<number> | undefined;
    await expect(
      db.transaction().execute(async (tx) => {
        await tx
          .insertInto('rate_limits')
          .values({ key: 'kysely-1', failures: 1, locked_until: 0, updated_at: 1 })
          .execute();
        direct = sql.run(insert, ['direct-4', 1, 0, 1]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await direct).toBe(1);
    expect(await sql.query(select, ['direct-4'])).toHaveLength(1);
    expect(await sql.query(select, ['kysely-1'])).toEqual([]);
  });
});
