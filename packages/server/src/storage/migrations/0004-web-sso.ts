import type { Kysely, Migration } from 'kysely';

/** Browser SSO: authorization codes, SSO cookies, post-logout redirect URIs, tenant themes. */
export const webSso: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('authorization_codes')
      .addColumn('digest', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('code_challenge', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('nonce', 'text')
      .addColumn('browser_session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .addColumn('issued_session_id', 'text')
      .execute();

    await db.schema
      .createTable('browser_sessions')
      .addColumn('digest', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .alterTable('apps')
      .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema
      .alterTable('tenants')
      .addColumn('theme', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
  },
};
