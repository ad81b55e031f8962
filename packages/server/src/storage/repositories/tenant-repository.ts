import type { Kysely, Selectable } from 'kysely';
import type { SigningAlgorithm, Tenant, TenantTheme } from '../../core/model.js';
import { json, parse } from './rows.js';
import type { TenantRepository } from '../../core/ports.js';
import type { Database, TenantsTable } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

export function tenantRepository(db: Kysely<Database>): TenantRepository {
  return {
    async create(t) {
      try {
        await db
          .insertInto('tenants')
          .values({
            id: t.id,
            name: t.name,
            display_name: t.displayName,
            signing_alg: t.signingAlg,
            code_length: t.codeLength,
            theme: json(t.theme),
            created_at: t.createdAt,
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
    signingAlg: row.signing_alg as SigningAlgorithm,
    codeLength: row.code_length,
    theme: parse<TenantTheme>(row.theme),
    createdAt: row.created_at,
  };
}
