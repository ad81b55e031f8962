import type { FastifyInstance } from 'fastify';
import { clientAddress, requestContext } from '../request-context.js';
import { nativeAuth, type RouteDeps } from '../route-options.js';
import { sendFlowStep } from './flow-step.js';
import { nativeRequest } from './native-request.js';
import { stepBody } from './step-body.js';

/** Native-auth sign-up: `/signup/v1.0/start`, `challenge`, `continue`. */
export function signUpRoutes(app: FastifyInstance, { services }: RouteDeps) {
  app.post('/:tenant/signup/v1.0/start', nativeAuth, async (request) => {
    const {
      tenant,
      app: client,
      p,
    } = await nativeRequest(services, request, [
      'username',
      'password',
      'attributes',
      'challenge_type',
      'capabilities',
      'capability',
    ]);
    return stepBody(
      await services.signUp.start(tenant, client, {
        username: p.username,
        password: p.password,
        attributes: p.attributes,
        challengeType: p.challenge_type,
        capabilities: p.capabilities ?? p.capability,
        client: clientAddress(request),
      }),
    );
  });

  app.post('/:tenant/signup/v1.0/challenge', nativeAuth, async (request) => {
    const { tenant, app: client, p } = await nativeRequest(services, request, ['continuation_token', 'challenge_type']);
    return stepBody(
      await services.signUp.challenge(tenant, client, {
        continuationToken: p.continuation_token,
        challengeType: p.challenge_type,
      }),
    );
  });

  app.post('/:tenant/signup/v1.0/continue', nativeAuth, async (request, reply) => {
    const {
      tenant,
      app: client,
      p,
    } = await nativeRequest(services, request, ['continuation_token', 'grant_type', 'oob', 'password', 'attributes']);
    const step = await services.signUp.continue(tenant, client, {
      continuationToken: p.continuation_token,
      grantType: p.grant_type,
      code: p.oob,
      password: p.password,
      attributes: p.attributes,
      context: requestContext(request),
    });
    return step.kind === 'continue' ? stepBody(step) : sendFlowStep(request, reply, step);
  });
}
