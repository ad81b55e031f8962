import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from '../../config/engine.js';

/**
 * A session's current and previous refresh token, in two slots (generation mod 2) keyed by
 * the session: a rotation updates one row in place instead of deleting and inserting rows
 * keyed by a random digest, each of which wrote a random leaf of a large index. The row is
 * found by the session id and generation the token carries under a MAC, and its digest
 * still checked. `refresh_tokens` stays as it is: rows stored before are found there by
 * digest until they expire, so no one is signed out.
 */
export const sessionRefreshTokens = (engine: Engine): Migration => ({
  async up(db: Kysely<any>) {
    const table = db.schema
      .createTable('session_refresh_tokens')
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('slot', 'integer', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('dpop_jkt', 'text')
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .addPrimaryKeyConstraint('session_refresh_tokens_pkey', ['session_id', 'slot']);
    // SQLite: the rows live in the primary key's b-tree, with no rowid table beside it.
    await (engine === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table).execute();
    await db.schema
      .createIndex('session_refresh_tokens_expiry')
      .on('session_refresh_tokens')
      .column('expires_at')
      .execute();
  },
});
