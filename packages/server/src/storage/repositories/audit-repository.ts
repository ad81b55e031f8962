import type { Kysely, Selectable } from 'kysely';
import type { AuditRepository } from '../../core/ports.js';
import { insertInto, type DirectSql } from '../direct-sql.js';
import type { AuditEventsTable, Database } from '../schema.js';
import { json, parse } from './rows.js';

/** Every sign-in writes one: plain SQL (see direct-sql.ts). */
const insert = insertInto<Omit<Selectable<AuditEventsTable>, 'id'>>('audit_events', [
  'tenant_id',
  'type',
  'user_id',
  'client_id',
  'session_id',
  'ip',
  'user_agent',
  'correlation_id',
  'data',
  'created_at',
]);

export function auditRepository(db: Kysely<Database>, direct: DirectSql): AuditRepository {
  return {
    async record(e) {
      await insert(direct, {
        tenant_id: e.tenantId,
        type: e.type,
        user_id: e.userId ?? null,
        client_id: e.clientId ?? null,
        session_id: e.sessionId ?? null,
        ip: e.ip ?? null,
        user_agent: e.userAgent ?? null,
        correlation_id: e.correlationId ?? null,
        data: json(e.data ?? {}),
        created_at: e.createdAt,
      });
    },
    async list({ tenantId, type, userId, limit = 100 }) {
      let query = db.selectFrom('audit_events').selectAll().where('tenant_id', '=', tenantId);
      if (type) query = query.where('type', '=', type);
      if (userId) query = query.where('user_id', '=', userId);
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        id: Number(r.id),
        tenantId: r.tenant_id,
        type: r.type,
        userId: r.user_id,
        clientId: r.client_id,
        sessionId: r.session_id,
        ip: r.ip,
        userAgent: r.user_agent,
        correlationId: r.correlation_id,
        data: parse<Record<string, unknown>>(r.data),
        createdAt: r.created_at,
      }));
    },
    async deleteBefore(before, limit, tenantId) {
      // Events are numbered in the order they happen, so the oldest come first in id order.
      const oldest = tenantId
        ? 'SELECT id FROM audit_events WHERE tenant_id = ? AND created_at < ? ORDER BY id LIMIT ?'
        : 'SELECT id FROM audit_events WHERE created_at < ? ORDER BY id LIMIT ?';
      return direct.run(
        `DELETE FROM audit_events WHERE id IN (${oldest})`,
        tenantId ? [tenantId, before, limit] : [before, limit],
      );
    },
  };
}
