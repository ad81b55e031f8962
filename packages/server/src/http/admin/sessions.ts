import { Type } from 'typebox';
import type { Device, Session } from '../../core/model.js';
import { sessionEndReason } from '../../core/sessions/refresh-tokens.js';
import type { AdminRoutes } from './admin-instance.js';
import { adminCallerOf, forReaders, forWriters } from './caller.js';
import { PathId, Input, iso, isoOrNull, Nullable, responses, TenantParams, Timestamp } from './schemas.js';
import { UserParams } from './users.js';

const SessionBody = Type.Object({
  id: Type.String(),
  parent_id: Nullable(Type.String()),
  app: Type.Object({ client_id: Type.String(), name: Nullable(Type.String()) }),
  device: Type.Object({
    id: Type.String(),
    name: Type.String(),
    platform: Type.String(),
    kind: Type.Union([
      Type.Literal('primary'),
      Type.Literal('companion'),
      Type.Literal('browser'),
      Type.Literal('service'),
    ]),
  }),
  created_at: Timestamp,
  last_used_at: Timestamp,
  expires_at: Timestamp,
  amr: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
  revoked_at: Nullable(Timestamp),
  revoked_reason: Nullable(Type.String()),
});

const DeviceGraph = Type.Object({
  sessions: Type.Array(SessionBody, {
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
      const [sessions, apps] = await Promise.all([
        services.users.sessions(tenant, request.params.id),
        services.apps.list(tenant),
      ]);
      const appNames = new Map(apps.map((app) => [app.clientId, app.name]));
      const now = services.clock.now();
      const body = (s: Session & { device: Device }) => ({
        id: s.id,
        parent_id: s.parentId,
        app: { client_id: s.clientId, name: appNames.get(s.clientId) ?? null },
        device: { id: s.device.id, name: s.device.name, platform: s.device.platform, kind: s.device.kind },
        created_at: iso(s.createdAt),
        last_used_at: iso(s.lastUsedAt),
        expires_at: iso(Math.min(s.absoluteExpiresAt, s.lastUsedAt + s.idleTtl * 1000)),
        amr: s.amr,
        status:
          s.revokedAt !== null
            ? ('revoked' as const)
            : sessionEndReason(s, now)
              ? ('expired' as const)
              : ('active' as const),
        revoked_at: isoOrNull(s.revokedAt),
        revoked_reason: s.revokedReason,
      });
      return { sessions: sessions.map(body) };
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
