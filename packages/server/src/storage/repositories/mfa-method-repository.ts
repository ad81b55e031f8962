import type { Kysely } from 'kysely';
import type { MfaMethodRepository } from '../../core/ports.js';
import type { Database } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

export function mfaMethodRepository(db: Kysely<Database>): MfaMethodRepository {
  return {
    async add(method) {
      try {
        await db
          .insertInto('mfa_methods')
          .values({
            id: method.id,
            tenant_id: method.tenantId,
            user_id: method.userId,
            type: method.type,
            target: method.target,
            created_at: method.createdAt,
          })
          .execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async list(userId) {
      const rows = await db
        .selectFrom('mfa_methods')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        tenantId: row.tenant_id,
        userId: row.user_id,
        type: row.type,
        target: row.target,
        createdAt: row.created_at,
      }));
    },
  };
}
