import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { iso } from '../admin/schemas.js';
import { deviceGraphSessionBody } from '../device-graph-body.js';
import type { RouteDeps } from '../route-options.js';
import { accountHolderOfRequest } from './account-holder.js';
import {
  Activity,
  ActivityQuery,
  OwnDeviceGraph,
  Revoked,
  RevokedElsewhere,
  SessionParams,
  TenantParams,
} from './schemas.js';

/**
 * The account API, `{tenant}/account/v1`: the signed-in user's own device graph, ending a
 * branch of it or every session but this device's, and recent sign-ins. OAuth JSON errors;
 * the caller is the user of an access token carrying `baton.account`.
 */
export function accountRoutes(app: FastifyInstance, { services, publicUrl }: RouteDeps) {
  const holderOf = (request: FastifyRequest) => accountHolderOfRequest(services, request, publicUrl);

  app.get(
    '/:tenant/account/v1/sessions',
    { schema: { params: TenantParams, response: { 200: OwnDeviceGraph } } },
    async (request) => {
      const { tenant, holder } = await holderOf(request);
      const sessions = await services.accountSessions.devices(tenant, holder);
      return { sessions: sessions.map((s) => ({ ...deviceGraphSessionBody(s), current: s.current })) };
    },
  );

  // A static segment wins over the parameter: "others" is never a session id (those are UUIDs).
  app.delete(
    '/:tenant/account/v1/sessions/others',
    { schema: { params: TenantParams, response: { 200: RevokedElsewhere } } },
    async (request) => {
      const { tenant, holder } = await holderOf(request);
      return services.accountSessions.revokeOthers(tenant, holder);
    },
  );

  app.delete(
    '/:tenant/account/v1/sessions/:id',
    { schema: { params: SessionParams, response: { 200: Revoked } } },
    async (request) => {
      const { tenant, holder } = await holderOf(request);
      const { id } = request.params as Static<typeof SessionParams>;
      return { revoked: await services.accountSessions.revoke(tenant, holder, id) };
    },
  );

  app.get(
    '/:tenant/account/v1/activity',
    { schema: { params: TenantParams, querystring: ActivityQuery, response: { 200: Activity } } },
    async (request) => {
      const { tenant, holder } = await holderOf(request);
      const { limit } = request.query as Static<typeof ActivityQuery>;
      const signIns = await services.signInActivity.recent(tenant, holder, limit);
      return {
        sign_ins: signIns.map((signIn) => ({
          at: iso(signIn.at),
          kind: signIn.kind,
          session_id: signIn.sessionId,
          app: signIn.app && { client_id: signIn.app.clientId, name: signIn.app.name },
          device: signIn.device,
          place: signIn.place,
        })),
      };
    },
  );
}
