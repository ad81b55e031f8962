import type { Kysely, Selectable } from 'kysely';
import type { OneTimeCode } from '../../core/model.js';
import type { OneTimeCodeRepository } from '../../core/ports.js';
import type { Database, OneTimeCodesTable } from '../schema.js';

export function oneTimeCodeRepository(db: Kysely<Database>): OneTimeCodeRepository {
  return {
    async insert(code) {
      await db
        .insertInto('one_time_codes')
        .values({
          id: code.id,
          tenant_id: code.tenantId,
          flow_id: code.flowId,
          target: code.target,
          code_digest: code.codeDigest,
          attempts: code.attempts,
          created_at: code.createdAt,
          expires_at: code.expiresAt,
          consumed_at: code.consumedAt,
        })
        .execute();
    },
    async latest(flowId) {
      const row = await db
        .selectFrom('one_time_codes')
        .selectAll()
        .where('flow_id', '=', flowId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toCode(row) : null;
    },
    async recordFailure(id, maxAttempts) {
      const result = await db
        .updateTable('one_time_codes')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('attempts', '<', maxAttempts)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async consume(id, now, maxAttempts) {
      const result = await db
        .updateTable('one_time_codes')
        .set({ consumed_at: now })
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .where('attempts', '<', maxAttempts)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

function toCode(row: Selectable<OneTimeCodesTable>): OneTimeCode {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    flowId: row.flow_id,
    target: row.target,
    codeDigest: row.code_digest,
    attempts: row.attempts,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}
