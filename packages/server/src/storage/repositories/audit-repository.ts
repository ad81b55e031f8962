import type { Selectable } from 'kysely';
import type { AuditFilter, AuditRepository } from '../../core/ports.js';
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

/** The WHERE clause of a filter, for listing events and for counting them. */
function whereOf({ tenantId, type, types, userId, since, until, beforeId }: AuditFilter) {
  const filters: Array<{ condition: string; values: unknown[] }> = [
    { condition: 'tenant_id = ?', values: [tenantId] },
    ...(type ? [{ condition: 'type = ?', values: [type] }] : []),
    ...(types ? [{ condition: `type IN (${types.map(() => '?').join(', ') || 'NULL'})`, values: [...types] }] : []),
    ...(userId ? [{ condition: 'user_id = ?', values: [userId] }] : []),
    ...(since !== undefined ? [{ condition: 'created_at >= ?', values: [since] }] : []),
    ...(until !== undefined ? [{ condition: 'created_at < ?', values: [until] }] : []),
    ...(beforeId !== undefined ? [{ condition: 'id < ?', values: [beforeId] }] : []),
  ];
  return {
    conditions: filters.map((filter) => filter.condition).join(' AND '),
    values: filters.flatMap((filter) => filter.values),
  };
}

export function auditRepository(sql: DirectSql): AuditRepository {
  return {
    async count(filter) {
      const { conditions, values } = whereOf(filter);
      const [row] = await sql.query<{ count: number | string }>(
        `SELECT COUNT(*) AS count FROM audit_events WHERE ${conditions}`,
        values,
      );
      return Number(row?.count ?? 0);
    },
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
    async list(filter) {
      const { conditions, values } = whereOf(filter);
      const rows = await sql.query<Selectable<AuditEventsTable>>(
        `SELECT * FROM audit_events WHERE ${conditions} ORDER BY id DESC LIMIT ?`,
        [...values, filter.limit ?? 100],
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
