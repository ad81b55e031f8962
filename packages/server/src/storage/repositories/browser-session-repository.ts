import type { Kysely } from 'kysely';
import type { BrowserSessionRepository } from '../../core/ports.js';
import type { Database } from '../schema.js';

export function browserSessionRepository(db: Kysely<Database>): BrowserSessionRepository {
  return {
    async insert(digest, tenantId, sessionId, now) {
      await db
        .insertInto('browser_sessions')
        .values({ digest, tenant_id: tenantId, session_id: sessionId, created_at: now })
        .execute();
    },
    async find(digest, tenantId) {
      const row = await db
        .selectFrom('browser_sessions')
        .select('session_id')
        .where('digest', '=', digest)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      return row?.session_id ?? null;
    },
    async delete(digest) {
      await db.deleteFrom('browser_sessions').where('digest', '=', digest).execute();
    },
  };
}
