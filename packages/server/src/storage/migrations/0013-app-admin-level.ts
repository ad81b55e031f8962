import type { Kysely, Migration } from 'kysely';

/**
 * Management API access of an app's `client_credentials` tokens (`--admin read|write`).
 * Apps registered before have none: management stays with BATON_ADMIN_TOKEN until an app
 * is registered for it.
 */
export const appAdminLevel: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('apps').addColumn('admin', 'text').execute();
  },
};
