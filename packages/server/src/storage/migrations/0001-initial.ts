import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../../config/engine.js';

/** The base schema: tenants, apps, users, credentials, devices, sessions, tokens, keys, audit. */
export const initial = (engine: Engine): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('tenants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('signing_alg', 'text', (c) => c.notNull())
      .addColumn('code_length', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('apps')
      .addColumn('client_id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('secret_digest', 'text')
      .addColumn('challenge_types', 'text', (c) => c.notNull())
      .addColumn('redirect_uris', 'text', (c) => c.notNull())
      .addColumn('allowed_origins', 'text', (c) => c.notNull())
      .addColumn('require_mfa', 'integer', (c) => c.notNull())
      .addColumn('allow_refresh_token_export', 'integer', (c) => c.notNull())
      .addColumn('allow_session_transfer', 'integer', (c) => c.notNull())
      .addColumn('accept_session_transfer', 'integer', (c) => c.notNull())
      .addColumn('access_token_ttl', 'integer', (c) => c.notNull())
      .addColumn('id_token_ttl', 'integer', (c) => c.notNull())
      .addColumn('refresh_retry_window', 'integer', (c) => c.notNull())
      .addColumn('session_idle_ttl', 'integer', (c) => c.notNull())
      .addColumn('session_absolute_ttl', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('apps_tenant').on('apps').column('tenant_id').execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_verified', 'integer', (c) => c.notNull())
      .addColumn('display_name', 'text')
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('users_tenant_email', ['tenant_id', 'email'])
      .execute();

    await db.schema
      .createTable('credentials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('credentials_user_type', ['user_id', 'type'])
      .execute();

    await db.schema
      .createTable('devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
      .addColumn('parent_id', 'text', (c) => c.references('sessions.id'))
      .addColumn('auth_time', 'bigint', (c) => c.notNull())
      .addColumn('amr', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint', (c) => c.notNull())
      .addColumn('idle_ttl', 'integer', (c) => c.notNull())
      .addColumn('absolute_expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('revoked_reason', 'text')
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').columns(['tenant_id', 'user_id']).execute();
    await db.schema.createIndex('sessions_parent').on('sessions').column('parent_id').execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('digest', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('dpop_jkt', 'text')
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .execute();
    await db.schema.createIndex('refresh_tokens_session').on('refresh_tokens').column('session_id').execute();

    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('alg', 'text', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('private_jwk_sealed', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('retired_at', 'bigint')
      .addColumn('expires_at', 'bigint')
      .execute();
    await db.schema.createIndex('signing_keys_tenant').on('signing_keys').columns(['tenant_id', 'status']).execute();

    await db.schema
      .createTable('continuation_tokens')
      .addColumn('digest', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('flow', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('continuation_tokens_expiry').on('continuation_tokens').column('expires_at').execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('id', engine === 'postgres' ? 'bigserial' : 'integer', (c) =>
        engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('tenant_id', 'text')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('client_id', 'text')
      .addColumn('session_id', 'text')
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('correlation_id', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_events_tenant_time')
      .on('audit_events')
      .columns(['tenant_id', 'created_at'])
      .execute();
  },
});
