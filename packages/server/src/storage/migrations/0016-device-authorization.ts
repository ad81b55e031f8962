import type { Kysely, Migration } from 'kysely';

/**
 * The device authorization grant (RFC 8628): apps registered for it (`--device-code`), and
 * the authorizations a device polls and a person approves. Both codes are kept only as
 * digests; the user code's is unique so a code typed names one device, and the expiry
 * index lets retention clear what no one can use any more.
 */
export const deviceAuthorization: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('apps')
      .addColumn('device_code', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('device_authorizations')
      .addColumn('device_code_digest', 'text', (c) => c.primaryKey())
      .addColumn('user_code_digest', 'text', (c) => c.notNull().unique())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('device_name', 'text', (c) => c.notNull())
      .addColumn('device_platform', 'text', (c) => c.notNull())
      .addColumn('poll_interval', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('last_polled_at', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('approving_session_id', 'text')
      .addColumn('max_session_seconds', 'integer')
      .addColumn('decided_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('device_authorizations_expiry')
      .on('device_authorizations')
      .column('expires_at')
      .execute();
  },
};
