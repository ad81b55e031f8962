import type { Kysely, Migration } from 'kysely';

/**
 * Conditional-access policy documents: every `baton policy set` adds the tenant's next
 * version, and the newest is in force. Older versions stay, so what was in force when is
 * on record. The key makes two concurrent sets of one version collide rather than both win.
 */
export const policies: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('policies')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('policies_pk', ['tenant_id', 'version'])
      .execute();
  },
};
