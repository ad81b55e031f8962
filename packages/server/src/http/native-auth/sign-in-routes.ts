import type { FastifyInstance } from 'fastify';
import { nativeAuth, type RouteDeps } from '../route-options.js';
import { nativeRequest } from './native-request.js';
import { methodBody, stepBody } from './step-body.js';
import { clientAddress } from '../request-context.js';

/**
 * Native-auth sign-in: `initiate`, `challenge` (which also sends MFA codes when given an
 * MFA continuation token and a method `id`) and `introspect` (the registered MFA methods).
 */
export function signInRoutes(app: FastifyInstance, { services }: RouteDeps) {
  app.post('/:tenant/oauth2/v2.0/initiate', nativeAuth, async (request) => {
    const {
      tenant,
      app: client,
      p,
    } = await nativeRequest(services, request, ['username', 'challenge_type', 'capabilities', 'capability']);
    return stepBody(
      await services.nativeSignIn.initiate(tenant, client, {
        username: p.username,
        challengeType: p.challenge_type,
        capabilities: p.capabilities ?? p.capability,
        client: clientAddress(request),
      }),
    );
  });

  app.post('/:tenant/oauth2/v2.0/challenge', nativeAuth, async (request) => {
    const {
      tenant,
      app: client,
      p,
    } = await nativeRequest(services, request, ['continuation_token', 'challenge_type', 'id']);
    const flow = await services.continuations.flowOf(tenant, client, p.continuation_token);
    const input = { continuationToken: p.continuation_token, challengeType: p.challenge_type };
    return stepBody(
      flow === 'mfa'
        ? await services.secondFactor.challenge(tenant, client, { ...input, methodId: p.id })
        : await services.nativeSignIn.challenge(tenant, client, input),
    );
  });

  app.post('/:tenant/oauth2/v2.0/introspect', nativeAuth, async (request) => {
    const { tenant, app: client, p } = await nativeRequest(services, request, ['continuation_token']);
    const { continuationToken, methods } = await services.secondFactor.introspect(tenant, client, p.continuation_token);
    return { continuation_token: continuationToken, methods: methods.map(methodBody) };
  });
}
