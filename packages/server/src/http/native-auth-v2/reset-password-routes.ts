import type { FastifyInstance } from 'fastify';
import { clientAddress, requestContext } from '../request-context.js';
import { nativeAuthV2, type RouteDeps } from '../route-options.js';
import { challengeAnswer, sendRedirect, verifyAnswer, withWebFallback } from './answers.js';
import { link } from './links.js';
import { answerHandOver } from './sign-in-outcome.js';
import { v2Capabilities, v2Request } from './v2-request.js';

/**
 * V2 password reset: start (`reset_password` link) offers the email method; its challenge
 * sends the code; `verify` checks it and answers `update`; PUT `update` sets the password
 * (done when it answers) and `poll` reports it at once, handing over to sign-in.
 */
export function resetPasswordV2Routes(app: FastifyInstance, { services }: RouteDeps) {
  app.post('/:tenant/native-auth/v2/reset-password', nativeAuthV2, async (request, reply) => {
    const { tenant, app: client, paths, p } = await v2Request(services, request, ['username']);
    return services.authorizeChallenge.begin(tenant, client, p.continuationToken, async (codeRequest) => {
      const started = await services.passwordReset.start(tenant, client, {
        username: p.username,
        challengeType: withWebFallback('oob'),
        capabilities: v2Capabilities,
        client: clientAddress(request),
        codeRequest,
      });
      if (started.kind === 'redirect') return sendRedirect(reply, started, request.id);
      return challengeAnswer(started.continuationToken, 'singleFactor', [
        { id: 'email', type: 'email', challenge: paths.resetChallenge },
      ]);
    });
  });

  app.post('/:tenant/native-auth/v2/reset-password/challenge', nativeAuthV2, async (request, reply) => {
    const { tenant, app: client, paths, p } = await v2Request(services, request, []);
    const sent = await services.passwordReset.challenge(tenant, client, {
      continuationToken: p.continuationToken,
      challengeType: 'oob',
    });
    if (sent.kind === 'redirect') return sendRedirect(reply, sent, request.id);
    return verifyAnswer(
      sent,
      { id: 'email', type: 'email' },
      { verify: paths.resetVerify, resend: paths.resetChallenge },
    );
  });

  app.post('/:tenant/native-auth/v2/reset-password/verify', nativeAuthV2, async (request) => {
    const { tenant, app: client, paths, p } = await v2Request(services, request, ['otp']);
    const continuationToken = await services.passwordReset.continue(tenant, client, {
      continuationToken: p.continuationToken,
      grantType: 'oob',
      code: p.otp,
      context: requestContext(request),
    });
    return { continuationToken, action: 'update', _links: { update: link(paths.resetUpdate) } };
  });

  app.put('/:tenant/native-auth/v2/reset-password/password', nativeAuthV2, async (request) => {
    const { tenant, app: client, paths, p } = await v2Request(services, request, ['newPassword']);
    const submitted = await services.passwordReset.submit(tenant, client, {
      continuationToken: p.continuationToken,
      newPassword: p.newPassword,
      context: requestContext(request),
    });
    return { continuationToken: submitted.continuationToken, action: 'poll', _links: { poll: link(paths.resetPoll) } };
  });

  app.post('/:tenant/native-auth/v2/reset-password/poll', nativeAuthV2, async (request, reply) => {
    const at = await v2Request(services, request, []);
    const polled = await services.passwordReset.poll(at.tenant, at.app, at.p.continuationToken);
    return answerHandOver(services, request, reply, at, polled.continuationToken);
  });
}
