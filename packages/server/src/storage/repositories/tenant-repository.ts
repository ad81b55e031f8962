import type { Kysely, Selectable } from 'kysely';
import type { Tenant, TenantTheme } from '../../core/model.js';
import { json, parse } from './rows.js';
import type { TenantRepository } from '../../core/ports.js';
import type { Database, TenantsTable } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

export function tenantRepository(db: Kysely<Database>): TenantRepository {
  return {
    async create(tenant) {
      try {
        await db
          .insertInto('tenants')
          .values({
            id: tenant.id,
            name: tenant.name,
            display_name: tenant.displayName,
            signing_alg: tenant.signingAlg,
            code_length: tenant.codeLength,
            theme: json(tenant.theme),
            created_at: tenant.createdAt,
          })
          .execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async list() {
      const rows = await db.selectFrom('tenants').selectAll().orderBy('created_at').execute();
      return rows.map(toTenant);
    },
    async findByName(name) {
      const row = await db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
      return row ? toTenant(row) : null;
    },
    async findById(id) {
      const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toTenant(row) : null;
    },
    async update(tenant) {
      await db
        .updateTable('tenants')
        .set({
          display_name: tenant.displayName,
          signing_alg: tenant.signingAlg,
          code_length: tenant.codeLength,
          theme: json(tenant.theme),
        })
        .where('id', '=', tenant.id)
        .execute();
    },
    delete(tenantId) {
      return db.transaction().execute(async (tx) => {
        // Children before the rows they reference: tokens and codes, then sessions, devices and users.
        for (const table of tenantRowsBySessions)
          await tx.deleteFrom(table).where('tenant_id', '=', tenantId).execute();
        await tx.deleteFrom('sessions').where('tenant_id', '=', tenantId).execute();
        const users = tx.selectFrom('users').select('id').where('tenant_id', '=', tenantId);
        await tx.deleteFrom('credentials').where('user_id', 'in', users).execute();
        for (const table of tenantRowsByUsers) await tx.deleteFrom(table).where('tenant_id', '=', tenantId).execute();
        const deleted = await tx.deleteFrom('tenants').where('id', '=', tenantId).executeTakeFirst();
        return Number(deleted.numDeletedRows) === 1;
      });
    },
  };
}

/** A tenant's rows that refer to its sessions. */
const tenantRowsBySessions = [
  'refresh_tokens',
  'session_refresh_tokens',
  'session_transfer_tokens',
  'device_authorizations',
  'authorization_codes',
  'browser_sessions',
] as const;
/** Its other rows, those referring to its users before the users; then the tenant's own. */
const tenantRowsByUsers = [
  'devices',
  'mfa_methods',
  'continuation_tokens',
  'one_time_codes',
  'users',
  'apps',
  'signing_keys',
  'policies',
  'audit_events',
] as const;

function toTenant(row: Selectable<TenantsTable>): Tenant {
  return {
    id: row.id,
    name: row.name,
    displayName: row.display_name,
    signingAlg: row.signing_alg,
    codeLength: row.code_length,
    theme: parse<TenantTheme>(row.theme),
    createdAt: row.created_at,
  };
}
