import type { Kysely, Migration } from 'kysely';

/**
 * A password reset deletes every flow the account had open (a sign-in started with the
 * old password must not finish after it), and account erasure does the same: both find
 * the flows by user.
 */
export const continuationTokensByUser: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('continuation_tokens_user').on('continuation_tokens').column('user_id').execute();
  },
};
