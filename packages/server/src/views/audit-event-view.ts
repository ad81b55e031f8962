import type { AuditEvent } from '../core/model.js';

/** An audit event as `baton audit list --json` and the management API show it, in snake_case. */
export function auditEventView(event: AuditEvent & { id: number }) {
  return {
    id: event.id,
    at: new Date(event.createdAt).toISOString(),
    type: event.type,
    user_id: event.userId ?? null,
    client_id: event.clientId ?? null,
    session_id: event.sessionId ?? null,
    ip: event.ip ?? null,
    user_agent: event.userAgent ?? null,
    correlation_id: event.correlationId ?? null,
    data: event.data ?? {},
  };
}
