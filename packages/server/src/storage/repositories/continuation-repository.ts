import type { Selectable } from 'kysely';
import type { ContinuationRepository } from '../../core/ports.js';
import { insertInto, type DirectSql } from '../direct-sql.js';
import type { ContinuationTokensTable } from '../schema.js';
import { json, parse } from './rows.js';

const insert = insertInto<Selectable<ContinuationTokensTable>>('continuation_tokens', [
  'digest',
  'tenant_id',
  'client_id',
  'flow',
  'user_id',
  'state',
  'created_at',
  'expires_at',
  'flow_expires_at',
]);

export function continuationRepository(sql: DirectSql): ContinuationRepository {
  return {
    async insert(c) {
      await insert(sql, {
        digest: c.digest,
        tenant_id: c.tenantId,
        client_id: c.clientId,
        flow: c.flow,
        user_id: c.userId,
        state: json(c.state),
        created_at: c.createdAt,
        expires_at: c.expiresAt,
        flow_expires_at: c.flowExpiresAt,
      });
    },
    async find(digest) {
      const [row] = await sql.query<Selectable<ContinuationTokensTable>>(
        'SELECT * FROM continuation_tokens WHERE digest = ?',
        [digest],
      );
      if (!row) return null;
      return {
        digest: row.digest,
        tenantId: row.tenant_id,
        clientId: row.client_id,
        flow: row.flow,
        userId: row.user_id,
        state: parse<Record<string, unknown>>(row.state),
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        flowExpiresAt: row.flow_expires_at,
      };
    },
    async consume(digest) {
      return (await sql.run('DELETE FROM continuation_tokens WHERE digest = ?', [digest])) === 1;
    },
    deleteForUser(userId) {
      return sql.run('DELETE FROM continuation_tokens WHERE user_id = ?', [userId]);
    },
  };
}
