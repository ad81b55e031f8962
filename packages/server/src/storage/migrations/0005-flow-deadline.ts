import type { Kysely, Migration } from 'kysely';

/** A whole native-auth flow has a deadline, carried by each of its continuation tokens. */
export const flowDeadline: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('continuation_tokens').addColumn('flow_expires_at', 'bigint').execute();
  },
};
