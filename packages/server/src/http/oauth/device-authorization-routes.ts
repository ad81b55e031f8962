import type { FastifyInstance } from 'fastify';
import type { Tenant } from '../../core/model.js';
import { BatonError } from '../../core/errors.js';
import { readParams } from '../../oauth/params.js';
import { presentedAccessToken } from '../access-token.js';
import { clientCredentials } from '../client-auth.js';
import { deviceHint, formBody, requestContext } from '../request-context.js';
import { nativeAuth, tenantOf, type RouteDeps } from '../route-options.js';

/** Where a person approves a device: the hosted page, with or without the code filled in. */
export function verificationUri(publicUrl: string, tenant: Tenant, userCode?: string): string {
  const uri = `${publicUrl}/${tenant.name}/device`;
  return userCode ? `${uri}?user_code=${encodeURIComponent(userCode)}` : uri;
}

/**
 * The device authorization endpoint (RFC 8628 §3.1), and native approval: a signed-in
 * app approves or denies a device with its own access token (Bearer or DPoP).
 */
export function deviceAuthorizationRoutes(app: FastifyInstance, { services, publicUrl }: RouteDeps) {
  app.post('/:tenant/oauth2/v2.0/devicecode', async (request) => {
    const tenant = await tenantOf(services, request);
    const params = formBody(request);
    const p = readParams(['client_id', 'client_secret', 'scope'], params);
    const client = await services.apps.authenticate(tenant, clientCredentials(request, p));
    const { name, platform } = deviceHint(request, params);
    const issued = await services.deviceAuthorizations.start(tenant, client, {
      scope: p.scope,
      device: { name, platform },
      context: requestContext(request),
    });
    return {
      device_code: issued.deviceCode,
      user_code: issued.userCode,
      verification_uri: verificationUri(publicUrl, tenant),
      verification_uri_complete: verificationUri(publicUrl, tenant, issued.userCode),
      expires_in: issued.expiresIn,
      interval: issued.interval,
    };
  });

  // Native apps call it as they call native auth: its errors carry Entra's numbers (53003 for a policy block).
  app.post('/:tenant/oauth2/v2.0/devicecode/approve', nativeAuth, async (request) => {
    const tenant = await tenantOf(services, request);
    const claims = await presentedAccessToken(services, request, tenant, publicUrl);
    const p = readParams(['user_code', 'decision'], formBody(request));
    if (!p.user_code) throw new BatonError('malformed_request', 'user_code is required');
    if (p.decision !== 'approve' && p.decision !== 'deny')
      throw new BatonError('malformed_request', 'decision must be approve or deny');
    const approver = await services.deviceAuthorizations.nativeApprover(tenant, {
      clientId: claims.client_id,
      sessionId: claims.sid,
      userId: claims.oid,
    });
    const decided = await services.deviceAuthorizations.decide(tenant, {
      userCode: p.user_code,
      approve: p.decision === 'approve',
      approver,
      context: requestContext(request),
    });
    return {
      decision: p.decision,
      client_id: decided.app.clientId,
      app: decided.app.name,
      device: decided.device,
    };
  });
}
