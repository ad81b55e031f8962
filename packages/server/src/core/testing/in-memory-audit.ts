import type { AuditRepository } from '../ports.js';
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
    async list({ tenantId, type, userId, beforeId, limit = 100 }) {
      return db.auditEvents
        .where(
          (event) =>
            event.tenantId === tenantId &&
            (!type || event.type === type) &&
            (!userId || event.userId === userId) &&
            (beforeId === undefined || event.id < beforeId),
        )
        .sort((left, right) => right.id - left.id)
        .slice(0, limit);
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
