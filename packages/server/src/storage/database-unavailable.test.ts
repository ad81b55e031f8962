import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { databaseUnavailable } from './database-unavailable.js';
import { openDatabase } from './database.js';

describe('databaseUnavailable', () => {
  it.each([
    ['the server shutting down', { code: '57P01', message: 'terminating connection due to administrator command' }],
    ['a refused connection', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    ['a dropped database', { code: '3D000', message: 'database "baton" does not exist' }],
    ['too many connections', { code: '53300', message: 'sorry, too many clients already' }],
    ['a connection that died mid-query', new Error('Connection terminated unexpectedly')],
    ['SQLite locked past its busy timeout', { code: 'SQLITE_BUSY', message: 'database is locked' }],
  ])('is true for %s', (_case, error) => {
    expect(databaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', { code: '23505', message: 'duplicate key value violates unique constraint' }],
    ['a syntax error', { code: '42601', message: 'syntax error at or near "SELEC"' }],
    [
      'a constraint failure in SQLite',
      { code: 'SQLITE_CONSTRAINT_FOREIGNKEY', message: 'FOREIGN KEY constraint failed' },
    ],
    ['a plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
    ['nothing', null],
  ])('is false for %s', (_case, error) => {
    expect(databaseUnavailable(error)).toBe(false);
  });

  it('covers a PostgreSQL server that accepts the connection and never answers: the query fails after the connect timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const handle = openDatabase(`postgres://baton@127.0.0.1:${port}/baton`, { connectTimeoutMs: 300 });
    try {
      const started = Date.now();
      const error = await handle.sql.query('SELECT 1', []).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(databaseUnavailable(error), String(error)).toBe(true);
    } finally {
      await handle.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
