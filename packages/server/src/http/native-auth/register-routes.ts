import type { FastifyInstance } from 'fastify';
import { requestContext } from '../request-context.js';
import { nativeAuth, type RouteDeps } from '../route-options.js';
import { nativeRequest } from './native-request.js';
import { methodBody, stepBody } from './step-body.js';

/** Second-factor method registration after `registration_required`: `/register/v1.0/introspect|challenge|continue`. */
export function registerRoutes(app: FastifyInstance, { services }: RouteDeps) {
  app.post('/:tenant/register/v1.0/introspect', nativeAuth, async (request) => {
    const { tenant, app: client, p } = await nativeRequest(services, request, ['continuation_token']);
    const { continuationToken, methods } = await services.secondFactor.registrationMethods(
      tenant,
      client,
      p.continuation_token,
    );
    return { continuation_token: continuationToken, methods: methods.map(methodBody) };
  });

  app.post('/:tenant/register/v1.0/challenge', nativeAuth, async (request) => {
    const {
      tenant,
      app: client,
      p,
    } = await nativeRequest(services, request, [
      'continuation_token',
      'challenge_type',
      'challenge_target',
      'challenge_channel',
    ]);
    return stepBody(
      await services.secondFactor.registrationChallenge(tenant, client, {
        continuationToken: p.continuation_token,
        challengeType: p.challenge_type,
        target: p.challenge_target,
        channel: p.challenge_channel,
      }),
    );
  });

  app.post('/:tenant/register/v1.0/continue', nativeAuth, async (request) => {
    const {
      tenant,
      app: client,
      p,
    } = await nativeRequest(services, request, ['continuation_token', 'grant_type', 'oob']);
    const continuationToken = await services.secondFactor.registrationContinue(tenant, client, {
      continuationToken: p.continuation_token,
      grantType: p.grant_type,
      code: p.oob,
      context: requestContext(request),
    });
    return { continuation_token: continuationToken };
  });
}
