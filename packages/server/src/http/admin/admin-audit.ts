import type { FastifyRequest } from 'fastify';
import type { Services } from '../../core/services.js';
import { requestContext } from '../request-context.js';
import { actorOf } from './caller.js';

/** A change made through the management API (`admin.<resource>.<change>`), with who made it. */
export interface AdminChange {
  tenantId: string;
  type: `admin.${string}`;
  userId?: string;
  sessionId?: string;
  data?: Record<string, unknown>;
}

/** Records a management API change in the tenant's audit trail, naming the caller (the operator or the app). */
export function auditAdminChange(services: Services, request: FastifyRequest, change: AdminChange): Promise<void> {
  const actor = actorOf(request);
  return services.audit.record(
    {
      tenantId: change.tenantId,
      type: change.type,
      userId: change.userId ?? null,
      sessionId: change.sessionId ?? null,
      clientId: actor.clientId,
      data: { ...actor.data, ...change.data },
    },
    requestContext(request),
  );
}
