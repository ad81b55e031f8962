import type { AuditEvent } from '../model.js';
import type { AuditFilter, AuditRepository } from '../ports.js';
import type { MemoryDatabase } from './memory-database.js';

/** Audit events numbered in the order they are recorded, newest first when listed. */
export function inMemoryAudit(db: MemoryDatabase): AuditRepository {
  let lastId = 0;
  return {
    async record(event) {
      lastId += 1;
      db.auditEvents.insert({
        id: lastId,
        tenantId: event.tenantId,
        type: event.type,
        userId: event.userId ?? null,
        clientId: event.clientId ?? null,
        sessionId: event.sessionId ?? null,
        ip: event.ip ?? null,
        userAgent: event.userAgent ?? null,
        correlationId: event.correlationId ?? null,
        data: event.data ?? {},
        createdAt: event.createdAt,
      });
    },
    async count(filter) {
      return db.auditEvents.where(matching(filter)).length;
    },
    async list(filter) {
      return db.auditEvents
        .where(matching(filter))
        .sort((left, right) => right.id - left.id)
        .slice(0, filter.limit ?? 100);
    },
    async deleteBefore(before, limit, tenantId) {
      const oldest = db.auditEvents
        .where((event) => event.createdAt < before && (!tenantId || event.tenantId === tenantId))
        .sort((left, right) => left.id - right.id)
        .slice(0, limit);
      for (const event of oldest) db.auditEvents.delete(String(event.id));
      return oldest.length;
    },
  };
}

/** The events a filter names, as the SQL repository's WHERE clause selects them. */
function matching({ tenantId, type, types, userId, since, until, beforeId }: AuditFilter) {
  return (event: AuditEvent & { id: number }) =>
    event.tenantId === tenantId &&
    (!type || event.type === type) &&
    (!types || types.includes(event.type)) &&
    (!userId || event.userId === userId) &&
    (since === undefined || event.createdAt >= since) &&
    (until === undefined || event.createdAt < until) &&
    (beforeId === undefined || event.id < beforeId);
}
