import type { Kysely } from 'kysely';
import type { AuditRepository } from '../../core/ports.js';
import type { Database } from '../schema.js';
import { json, parse } from './rows.js';

export function auditRepository(db: Kysely<Database>): AuditRepository {
  return {
    async record(e) {
      await db.insertInto('audit_events').values({
        tenant_id: e.tenantId, type: e.type, user_id: e.userId ?? null, client_id: e.clientId ?? null, session_id: e.sessionId ?? null,
        ip: e.ip ?? null, user_agent: e.userAgent ?? null, correlation_id: e.correlationId ?? null, data: json(e.data ?? {}), created_at: e.createdAt,
      }).execute();
    },
    async list({ tenantId, type, userId, limit = 100 }) {
      let query = db.selectFrom('audit_events').selectAll().where('tenant_id', '=', tenantId);
      if (type) query = query.where('type', '=', type);
      if (userId) query = query.where('user_id', '=', userId);
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        id: Number(r.id), tenantId: r.tenant_id, type: r.type, userId: r.user_id, clientId: r.client_id, sessionId: r.session_id, ip: r.ip,
        userAgent: r.user_agent, correlationId: r.correlation_id, data: parse<Record<string, unknown>>(r.data), createdAt: r.created_at,
      }));
    },
  };
}
