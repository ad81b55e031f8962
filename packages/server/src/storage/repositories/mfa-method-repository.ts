import type { Kysely } from 'kysely';
import type { MfaMethodRepository } from '../../core/ports.js';
import type { Database } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

export function mfaMethodRepository(db: Kysely<Database>): MfaMethodRepository {
  return {
    async add(m) {
      try {
        await db
          .insertInto('mfa_methods')
          .values({
            id: m.id,
            tenant_id: m.tenantId,
            user_id: m.userId,
            type: m.type,
            target: m.target,
            created_at: m.createdAt,
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
      return rows.map((r) => ({
        id: r.id,
        tenantId: r.tenant_id,
        userId: r.user_id,
        type: 'email' as const,
        target: r.target,
        createdAt: r.created_at,
      }));
    },
  };
}
