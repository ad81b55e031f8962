import type { FastifyInstance } from 'fastify';
import type { StepResult } from '../../core/flows/native-sign-in.js';
import { param, readParams } from '../../oauth/params.js';
import { clientCredentials } from '../client-auth.js';
import { formBody } from '../request-context.js';
import { nativeAuth, tenantOf, type RouteDeps } from '../route-options.js';

/** Entra's answer for a step: a continuation token, or `challenge_type: redirect`. */
export function stepBody(result: StepResult) {
  if (result.kind === 'redirect') return { challenge_type: 'redirect', redirect_reason: result.reason };
  return { continuation_token: result.continuationToken, ...(result.challengeType ? { challenge_type: result.challengeType } : {}) };
}

/** Native-auth sign-in: `/oauth2/v2.0/initiate` and `/oauth2/v2.0/challenge`. */
export function signInRoutes(app: FastifyInstance, { services }: RouteDeps) {
  app.post('/:tenant/oauth2/v2.0/initiate', nativeAuth, async (request) => {
    const tenant = await tenantOf(services, request);
    const p = readParams({ client_id: param().optional(), client_secret: param().optional(), username: param().optional(), challenge_type: param().optional() }, formBody(request));
    const client = await services.apps.authenticate(tenant, clientCredentials(request, p));
    return stepBody(await services.nativeSignIn.initiate(tenant, client, { username: p.username, challengeType: p.challenge_type }));
  });

  app.post('/:tenant/oauth2/v2.0/challenge', nativeAuth, async (request) => {
    const tenant = await tenantOf(services, request);
    const p = readParams({ client_id: param().optional(), client_secret: param().optional(), continuation_token: param().optional(), challenge_type: param().optional() }, formBody(request));
    const client = await services.apps.authenticate(tenant, clientCredentials(request, p));
    return stepBody(await services.nativeSignIn.challenge(tenant, client, { continuationToken: p.continuation_token, challengeType: p.challenge_type }));
  });
}
