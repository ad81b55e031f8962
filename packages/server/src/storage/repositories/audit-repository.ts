import type { Selectable } from 'kysely';
import type { AuditRepository } from '../../core/ports.js';
import { insertInto, type DirectSql } from '../direct-sql.js';
import type { AuditEventsTable } from '../schema.js';
import { json, parse } from './rows.js';

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

export function auditRepository(sql: DirectSql): AuditRepository {
  return {
    async record(event) {
      await insert(sql, {
        tenant_id: event.tenantId,
        type: event.type,
        user_id: event.userId ?? null,
        client_id: event.clientId ?? null,
        session_id: event.sessionId ?? null,
        ip: event.ip ?? null,
        user_agent: event.userAgent ?? null,
        correlation_id: event.correlationId ?? null,
        data: json(event.data ?? {}),
        created_at: event.createdAt,
      });
    },
    async list({ tenantId, type, userId, beforeId, limit = 100 }) {
      const filters = [
        { condition: 'tenant_id = ?', value: tenantId },
        ...(type ? [{ condition: 'type = ?', value: type }] : []),
        ...(userId ? [{ condition: 'user_id = ?', value: userId }] : []),
        ...(beforeId !== undefined ? [{ condition: 'id < ?', value: beforeId }] : []),
      ];
      const rows = await sql.query<Selectable<AuditEventsTable>>(
        `SELECT * FROM audit_events WHERE ${filters.map((filter) => filter.condition).join(' AND ')} ORDER BY id DESC LIMIT ?`,
        [...filters.map((filter) => filter.value), limit],
      );
      return rows.map((row) => ({
        id: Number(row.id),
        tenantId: row.tenant_id,
        type: row.type,
        userId: row.user_id,
        clientId: row.client_id,
        sessionId: row.session_id,
        ip: row.ip,
        userAgent: row.user_agent,
        correlationId: row.correlation_id,
        data: parse<Record<string, unknown>>(row.data),
        createdAt: row.created_at,
      }));
    },
    async deleteBefore(before, limit, tenantId) {
      // Events are numbered in the order they happen, so the oldest come first in id order.
      const oldest = tenantId
        ? 'SELECT id FROM audit_events WHERE tenant_id = ? AND created_at < ? ORDER BY id LIMIT ?'
        : 'SELECT id FROM audit_events WHERE created_at < ? ORDER BY id LIMIT ?';
      return sql.run(
        `DELETE FROM audit_events WHERE id IN (${oldest})`,
        tenantId ? [tenantId, before, limit] : [before, limit],
      );
    },
  };
}
