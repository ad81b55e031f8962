import { Type } from 'typebox';
import { auditEventView } from '../../views/audit-event-view.js';
import type { AdminRoutes } from './admin-instance.js';
import { forReaders } from './caller.js';
import { decodeCursor, defaultPageSize, encodeCursor, pageOf, pageQuery } from './pagination.js';
import { Input, Nullable, responses, TenantParams, Timestamp } from './schemas.js';

const EventBody = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  type: Type.String(),
  user_id: Nullable(Type.String()),
  client_id: Nullable(Type.String()),
  session_id: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  user_agent: Nullable(Type.String()),
  correlation_id: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
});

const AuditQuery = Input({
  user_id: Type.Optional(Type.String({ format: 'uuid', description: "Only this user's events" })),
  type: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9_.]+$', description: 'e.g. admin.user.created' }),
  ),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Events at or after this instant' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Events before this instant' })),
  ...pageQuery,
});

/** A cursor here is the id of the last event shown: the next page holds older ones. */
const eventIdOf = (cursor: string): number => Number(decodeCursor(cursor, /^[1-9]\d{0,14}$/));

/** `tenants/{t}/audit`: the tenant's audit trail, newest first, by user, type and time. */
export const auditRoutes: AdminRoutes = (admin, services) => {
  admin.get(
    '/tenants/:tenant/audit',
    {
      config: forReaders,
      schema: {
        summary: "The tenant's audit trail, newest first",
        params: TenantParams,
        querystring: AuditQuery,
        response: responses({ 200: pageOf(EventBody) }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const q = request.query;
      const limit = q.limit ?? defaultPageSize;
      const events = await services.audit.list({
        tenantId: tenant.id,
        limit: limit + 1,
        ...(q.user_id !== undefined ? { userId: q.user_id } : {}),
        ...(q.type !== undefined ? { type: q.type } : {}),
        ...(q.since !== undefined ? { since: Date.parse(q.since) } : {}),
        ...(q.until !== undefined ? { until: Date.parse(q.until) } : {}),
        ...(q.cursor !== undefined ? { beforeId: eventIdOf(q.cursor) } : {}),
      });
      const page = events.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(auditEventView),
        next_cursor: events.length > limit && last ? encodeCursor(String(last.id)) : null,
      };
    },
  );
};
