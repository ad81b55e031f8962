import type { FastifyInstance } from 'fastify';
import { BatonError } from '../../core/errors.js';
import { findGrant } from '../../oauth/grants/registry.js';
import { readParams } from '../../oauth/params.js';
import { clientCredentials } from '../client-auth.js';
import { deviceHint, formBody, requestContext } from '../request-context.js';
import { nativeAuth, tenantOf, type RouteDeps } from '../route-options.js';
import { sendFlowStep } from '../native-auth/flow-step.js';
import { redirectBody } from '../native-auth/step-body.js';
import { dpopKeyOf } from '../dpop.js';
import { exchangeResponse, tokenResponse } from './token-response.js';

/**
 * The token endpoint: parse, authenticate the client, check the grant is allowed, hand
 * over to the grant's own module. It speaks native-auth JSON errors, a superset of OAuth's.
 */
export function tokenRoute(app: FastifyInstance, { services, publicUrl }: RouteDeps) {
  app.post('/:tenant/oauth2/v2.0/token', nativeAuth, async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const params = formBody(request);
    const p = readParams(['grant_type', 'client_id', 'client_secret'], params);
    const grant = findGrant(p.grant_type);
    const client = await services.apps.authenticate(tenant, clientCredentials(request, p));
    const refusal = grant.refuse?.(client);
    if (refusal) throw new BatonError('grant_not_allowed', refusal);
    // Verified before any grant runs: a bad proof uses nothing up, and a good one binds whatever the grant issues.
    const dpopJkt = await dpopKeyOf(services, request, publicUrl);
    const result = await grant.handle({
      services,
      tenant,
      app: client,
      params,
      context: requestContext(request),
      device: { ...deviceHint(request, params), dpopJkt },
    });
    if (result.kind === 'tokens') return tokenResponse(result);
    if (result.kind === 'session_transfer' || result.kind === 'exchanged_tokens') return exchangeResponse(result);
    if (result.kind === 'redirect') return redirectBody(result);
    if (result.kind === 'mfa_required' || result.kind === 'registration_required')
      return sendFlowStep(request, reply, result);
    throw new Error('A token grant ended in a browser session');
  });
}
