import { Type } from 'typebox';
import { DeviceGraphSessionBody, deviceGraphSessionBody } from '../device-graph-body.js';
import type { AdminRoutes } from './admin-instance.js';
import { adminCallerOf, forReaders, forWriters } from './caller.js';
import { PathId, Input, responses, TenantParams } from './schemas.js';
import { UserParams } from './users.js';

const DeviceGraph = Type.Object({
  sessions: Type.Array(DeviceGraphSessionBody, {
    description: 'Every session of the user, whole (a branch hangs from its parent_id), oldest first',
  }),
});

const Revoked = Type.Object({
  revoked: Type.Array(Type.String(), { description: 'The sessions ended now (none when they already were)' }),
});

const SessionParams = Input({ ...TenantParams.properties, id: PathId });

/** `tenants/{t}/users/{id}/sessions` and `tenants/{t}/sessions/{id}`: the device graph, and revoking a branch or all of it. */
export const sessionRoutes: AdminRoutes = (admin, services) => {
  admin.get(
    '/tenants/:tenant/users/:id/sessions',
    {
      config: forReaders,
      schema: {
        summary: "A user's device graph: every session with its parent, app and device",
        params: UserParams,
        response: responses({ 200: DeviceGraph }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const sessions = await services.users.sessions(tenant, request.params.id);
      return { sessions: sessions.map(deviceGraphSessionBody) };
    },
  );

  admin.delete(
    '/tenants/:tenant/users/:id/sessions',
    {
      config: forWriters,
      schema: {
        summary: 'Sign a user out everywhere: every session ends; idempotent',
        params: UserParams,
        response: responses({ 200: Revoked }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      return { revoked: await services.users.revokeSessions(tenant, request.params.id, adminCallerOf(request)) };
    },
  );

  admin.delete(
    '/tenants/:tenant/sessions/:id',
    {
      config: forWriters,
      schema: {
        summary: 'End a session and its branch (companions, web views it handed off to); idempotent',
        params: SessionParams,
        response: responses({ 200: Revoked }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      return { revoked: await services.users.revokeSession(tenant, request.params.id, adminCallerOf(request)) };
    },
  );
};
