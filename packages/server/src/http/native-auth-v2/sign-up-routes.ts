import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Continue, SignUpStep } from '../../core/flows/steps.js';
import { BatonError } from '../../core/errors.js';
import { clientAddress, requestContext } from '../request-context.js';
import { nativeAuthV2, type RouteDeps } from '../route-options.js';
import type { Services } from '../../core/services.js';
import { sendRedirect, verifyAnswer, withWebFallback } from './answers.js';
import { link } from './links.js';
import { answerHandOver } from './sign-in-outcome.js';
import { startSignIn } from './sign-in-start.js';
import { v2Capabilities, v2Request } from './v2-request.js';

type At = Awaited<ReturnType<typeof v2Request>>;

/**
 * A sign-up step as V2 answers it: what is still missing as `collectAttributes` (the
 * password as the attribute `password`, never `email`, never one already given), or the
 * new account's hand-over to sign-in.
 */
function answerSignUp(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  at: At,
  step: Continue | SignUpStep,
) {
  if (step.kind === 'continue') return answerHandOver(services, request, reply, at, step.continuationToken);
  const attributes =
    step.kind === 'credential_required'
      ? [{ attributeId: 'password', inputType: 'password', required: true }]
      : step.attributes.map((a) => ({ attributeId: a.name, inputType: 'text', required: true }));
  return {
    continuationToken: step.continuationToken,
    action: 'collectAttributes',
    attributes,
    _links: { submitAttributes: link(at.paths.signUpAttributes) },
  };
}

/**
 * V2 sign-up: start (`sign_up` link, the username) sends the email code at once and answers
 * `verify`; the code; then `submitAttributes` until nothing is missing.
 */
export function signUpV2Routes(app: FastifyInstance, { services }: RouteDeps) {
  const codeSent = (at: At, step: Continue) =>
    verifyAnswer(step, { type: 'email' }, { verify: at.paths.signUpVerify, resend: at.paths.signUpChallenge });

  app.post('/:tenant/native-auth/v2/sign-up', nativeAuthV2, async (request, reply) => {
    const at = await v2Request(services, request, ['username']);
    return services.authorizeChallenge.begin(at.tenant, at.app, at.p.continuationToken, async (codeRequest) => {
      const started = await services.signUp
        .start(at.tenant, at.app, {
          username: at.p.username,
          password: undefined,
          attributes: undefined,
          challengeType: withWebFallback('oob password'),
          capabilities: v2Capabilities,
          client: clientAddress(request),
          codeRequest,
        })
        .catch((error: unknown) => {
          if (error instanceof BatonError && error.code === 'user_already_exists') return null;
          throw error;
        });
      // An address that has an account signs in instead: V2 has no user-exists error, MSAL takes
      // this start as its existing-account path (a sign-in challenge).
      if (started === null) return startSignIn(services, request, reply, at, at.p.username, codeRequest);
      if (started.kind === 'redirect') return sendRedirect(reply, started, request.id);
      const sent = await services.signUp.challenge(at.tenant, at.app, {
        continuationToken: started.continuationToken,
        challengeType: 'oob',
      });
      if (sent.kind === 'redirect') return sendRedirect(reply, sent, request.id);
      return codeSent(at, sent);
    });
  });

  app.post('/:tenant/native-auth/v2/sign-up/challenge', nativeAuthV2, async (request, reply) => {
    const at = await v2Request(services, request, []);
    const sent = await services.signUp.challenge(at.tenant, at.app, {
      continuationToken: at.p.continuationToken,
      challengeType: 'oob',
    });
    if (sent.kind === 'redirect') return sendRedirect(reply, sent, request.id);
    return codeSent(at, sent);
  });

  app.post('/:tenant/native-auth/v2/sign-up/verify', nativeAuthV2, async (request, reply) => {
    const at = await v2Request(services, request, ['otp']);
    const step = await services.signUp.continue(at.tenant, at.app, {
      continuationToken: at.p.continuationToken,
      grantType: 'oob',
      code: at.p.otp,
      password: undefined,
      attributes: undefined,
      context: requestContext(request),
    });
    return answerSignUp(services, request, reply, at, step);
  });

  app.post('/:tenant/native-auth/v2/sign-up/attributes', nativeAuthV2, async (request, reply) => {
    const at = await v2Request(services, request, []);
    const attributes = at.body.attributes;
    if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes))
      throw new BatonError('malformed_request', 'attributes must be a JSON object');
    const step = await services.signUp.submitAttributes(at.tenant, at.app, {
      continuationToken: at.p.continuationToken,
      attributes: attributes as Record<string, unknown>,
      context: requestContext(request),
    });
    return answerSignUp(services, request, reply, at, step);
  });
}
