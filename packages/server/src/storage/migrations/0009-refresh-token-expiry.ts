import type { Kysely, Migration } from 'kysely';

/**
 * The expired-record sweep deletes refresh tokens a day past their expiry. Expiry grows with
 * time, so each rotation appends to the right edge of this index.
 */
export const refreshTokenExpiry: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('refresh_tokens_expiry').on('refresh_tokens').column('expires_at').execute();
  },
};
