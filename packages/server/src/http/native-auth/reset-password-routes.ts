import type { FastifyInstance } from 'fastify';
import { tenantDefaults } from '../../config/defaults.js';
import { clientAddress, requestContext } from '../request-context.js';
import { nativeAuth, type RouteDeps } from '../route-options.js';
import { nativeRequest } from './native-request.js';
import { stepBody } from './step-body.js';

/** Self-service password reset: `/resetpassword/v1.0/start|challenge|continue|submit|poll_completion`. */
export function resetPasswordRoutes(app: FastifyInstance, { services }: RouteDeps) {
  app.post('/:tenant/resetpassword/v1.0/start', nativeAuth, async (request) => {
    const {
      tenant,
      app: client,
      p,
    } = await nativeRequest(services, request, ['username', 'challenge_type', 'capabilities', 'capability']);
    return stepBody(
      await services.passwordReset.start(tenant, client, {
        username: p.username,
        challengeType: p.challenge_type,
        capabilities: p.capabilities ?? p.capability,
        client: clientAddress(request),
      }),
    );
  });

  app.post('/:tenant/resetpassword/v1.0/challenge', nativeAuth, async (request) => {
    const { tenant, app: client, p } = await nativeRequest(services, request, ['continuation_token', 'challenge_type']);
    return stepBody(
      await services.passwordReset.challenge(tenant, client, {
        continuationToken: p.continuation_token,
        challengeType: p.challenge_type,
      }),
    );
  });

  app.post('/:tenant/resetpassword/v1.0/continue', nativeAuth, async (request) => {
    const {
      tenant,
      app: client,
      p,
    } = await nativeRequest(services, request, ['continuation_token', 'grant_type', 'oob']);
    const continuationToken = await services.passwordReset.continue(tenant, client, {
      continuationToken: p.continuation_token,
      grantType: p.grant_type,
      code: p.oob,
      context: requestContext(request),
    });
    return { continuation_token: continuationToken, expires_in: tenantDefaults.continuationTokenTtl };
  });

  app.post('/:tenant/resetpassword/v1.0/submit', nativeAuth, async (request) => {
    const { tenant, app: client, p } = await nativeRequest(services, request, ['continuation_token', 'new_password']);
    const submitted = await services.passwordReset.submit(tenant, client, {
      continuationToken: p.continuation_token,
      newPassword: p.new_password,
      context: requestContext(request),
    });
    return { continuation_token: submitted.continuationToken, poll_interval: submitted.pollInterval };
  });

  app.post('/:tenant/resetpassword/v1.0/poll_completion', nativeAuth, async (request) => {
    const { tenant, app: client, p } = await nativeRequest(services, request, ['continuation_token']);
    const polled = await services.passwordReset.poll(tenant, client, p.continuation_token);
    return { status: polled.status, continuation_token: polled.continuationToken };
  });
}
