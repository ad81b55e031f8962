import type { Kysely, Migration } from 'kysely';

/**
 * Which addresses an app lets a user register as a second factor during a sign-in: only
 * the sign-in address unless the app says otherwise. Existing apps get the safe default.
 */
export const mfaRegistration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('apps')
      .addColumn('mfa_registration', 'text', (c) => c.notNull().defaultTo('own-address'))
      .execute();
  },
};
