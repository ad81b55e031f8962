import type { Kysely } from 'kysely';
import type { ContinuationRepository } from '../../core/ports.js';
import type { Database } from '../schema.js';
import { json, parse } from './rows.js';

export function continuationRepository(db: Kysely<Database>): ContinuationRepository {
  return {
    async insert(c) {
      await db.insertInto('continuation_tokens').values({
        digest: c.digest, tenant_id: c.tenantId, client_id: c.clientId, flow: c.flow, user_id: c.userId, state: json(c.state),
        created_at: c.createdAt, expires_at: c.expiresAt, flow_expires_at: c.flowExpiresAt,
      }).execute();
    },
    async find(digest) {
      const row = await db.selectFrom('continuation_tokens').selectAll().where('digest', '=', digest).executeTakeFirst();
      if (!row) return null;
      return {
        digest: row.digest, tenantId: row.tenant_id, clientId: row.client_id, flow: row.flow, userId: row.user_id,
        state: parse<Record<string, unknown>>(row.state), createdAt: row.created_at, expiresAt: row.expires_at,
        flowExpiresAt: row.flow_expires_at,
      };
    },
    async consume(digest) {
      const result = await db.deleteFrom('continuation_tokens').where('digest', '=', digest).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}
