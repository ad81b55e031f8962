import type { Kysely } from 'kysely';
import type { TransferTokenRepository } from '../../core/ports.js';
import type { Database } from '../schema.js';

export function transferTokenRepository(db: Kysely<Database>): TransferTokenRepository {
  return {
    async insert(token) {
      // Expired tokens can never be redeemed; clearing them here keeps the table as small as the traffic of a minute.
      await db.deleteFrom('session_transfer_tokens').where('expires_at', '<', token.createdAt).execute();
      await db
        .insertInto('session_transfer_tokens')
        .values({
          digest: token.digest,
          tenant_id: token.tenantId,
          session_id: token.sessionId,
          client_id: token.clientId,
          audience: token.audience,
          created_at: token.createdAt,
          expires_at: token.expiresAt,
          consumed_at: token.consumedAt,
        })
        .execute();
    },
    async find(digest) {
      const row = await db
        .selectFrom('session_transfer_tokens')
        .selectAll()
        .where('digest', '=', digest)
        .executeTakeFirst();
      return row
        ? {
            digest: row.digest,
            tenantId: row.tenant_id,
            sessionId: row.session_id,
            clientId: row.client_id,
            audience: row.audience,
            createdAt: row.created_at,
            expiresAt: row.expires_at,
            consumedAt: row.consumed_at,
          }
        : null;
    },
    async consume(digest, now) {
      const result = await db
        .updateTable('session_transfer_tokens')
        .set({ consumed_at: now })
        .where('digest', '=', digest)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
