import { Type } from 'typebox';
import { definedOnly } from '../../core/defined-only.js';
import { auditEventView } from '../../views/audit-event-view.js';
import type { AdminRoutes } from './admin-instance.js';
import { forReaders } from './caller.js';
import { pageAnswer, pageBody, pageQuery } from './pagination.js';
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
    Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '^[a-z0-9_.]+$',
      description: 'One of the types docs/audit.md lists, e.g. user.created',
    }),
  ),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Events at or after this instant' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Events before this instant' })),
  ...pageQuery,
});

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
        response: responses({ 200: pageBody(EventBody) }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const { user_id, type, since, until, limit, cursor } = request.query;
      const page = await services.audit.page(
        tenant,
        definedOnly({
          userId: user_id,
          type,
          since: since === undefined ? undefined : Date.parse(since),
          until: until === undefined ? undefined : Date.parse(until),
          limit,
          cursor,
        }),
      );
      return pageAnswer(page, auditEventView);
    },
  );
};
