import type { Kysely, Migration } from 'kysely';

/**
 * Request counters for the throttles in core/abuse/request-throttle.ts (one row per counted
 * key and window), and an index the expired-record sweep uses to find dead attempt counts.
 */
export const requestCounters: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('request_counters')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('request_counters_expiry').on('request_counters').column('expires_at').execute();
    await db.schema.createIndex('rate_limits_updated').on('rate_limits').column('updated_at').execute();
  },
};
