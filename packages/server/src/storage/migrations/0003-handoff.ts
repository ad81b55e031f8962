import type { Kysely, Migration } from 'kysely';

/** Session handoff: single-use transfer tokens, DPoP proof replay records, device installation ids. */
export const handoff: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('session_transfer_tokens')
      .addColumn('digest', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .execute();

    await db.schema
      .createTable('dpop_proofs')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('dpop_proofs_expiry').on('dpop_proofs').column('expires_at').execute();

    await db.schema.alterTable('devices').addColumn('installation_id', 'text').execute();
  },
};
