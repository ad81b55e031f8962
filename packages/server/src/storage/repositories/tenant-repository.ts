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
  };
}

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
