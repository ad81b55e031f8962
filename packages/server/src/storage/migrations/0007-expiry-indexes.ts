import type { Kysely, Migration } from 'kysely';

/** The expired-record sweep (core/retention) finds what to delete by expiry. */
export const expiryIndexes: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('one_time_codes_expiry').on('one_time_codes').column('expires_at').execute();
    await db.schema
      .createIndex('session_transfer_tokens_expiry')
      .on('session_transfer_tokens')
      .column('expires_at')
      .execute();
    await db.schema.createIndex('authorization_codes_expiry').on('authorization_codes').column('expires_at').execute();
  },
};
