import type { Kysely, Migration } from 'kysely';

/**
 * OpenID Connect Native SSO (core/device-sso): an app's SSO group, whose apps share a
 * sign-in on one device, and the device's secret, kept only as a SHA-256 digest. A device
 * whose digest is null has no Native SSO, or had it revoked. Existing rows get neither.
 */
export const deviceSso: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('apps').addColumn('sso_group', 'text').execute();
    await db.schema.alterTable('devices').addColumn('sso_secret_digest', 'text').execute();
  },
};
