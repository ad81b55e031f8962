import type { Kysely, Migration } from 'kysely';

/**
 * The scopes an app may be granted by `client_credentials` (`--scope`). Apps registered
 * before have none: a machine client gets no scope until its registration names them.
 */
export const appScopes: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('apps')
      .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
  },
};
