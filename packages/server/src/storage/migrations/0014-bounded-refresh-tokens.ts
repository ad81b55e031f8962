import type { Kysely, Migration } from 'kysely';

/**
 * A session keeps two refresh-token rows, the current token and the one it replaced (for the
 * retry window): each rotation deletes the row before the presented one, which this column
 * names. Older tokens are recognised by the session id and generation they carry under a
 * MAC. Rows written before have no predecessor named: the first rotation of such a session
 * deletes nothing, the next deletes that row, and the rest are swept at their expiry.
 */
export const boundedRefreshTokens: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('refresh_tokens').addColumn('previous_digest', 'text').execute();
  },
};
