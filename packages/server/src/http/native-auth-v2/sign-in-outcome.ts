import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MethodView } from '../../core/flows/mfa.js';
import type { SignInResult } from '../../core/flows/steps.js';
import { deviceHint, requestContext } from '../request-context.js';
import type { App, Tenant } from '../../core/model.js';
import type { Services } from '../../core/services.js';
import { challengeAnswer, continueAnswer, sendRedirect } from './answers.js';
import { link, type V2Paths } from './links.js';

/**
 * A proved credential's outcome as V2 answers it: `state: continue` to the finish, the
 * second factor as `action: challenge` with `multiFactor` and the registered methods, or
 * `action: enroll` when a method must be registered first.
 */
export async function answerSignIn(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  at: { tenant: Tenant; app: App; paths: V2Paths },
  result: SignInResult,
) {
  const { tenant, app, paths } = at;
  switch (result.kind) {
    case 'continue':
      return continueAnswer(paths, result.continuationToken);
    case 'mfa_required': {
      const { continuationToken, methods } = await services.secondFactor.introspect(
        tenant,
        app,
        result.continuationToken,
      );
      return challengeAnswer(
        continuationToken,
        'multiFactor',
        methods.map((m) => ({ id: m.id, type: m.channel, hint: m.label, challenge: paths.mfaChallenge(m.id) })),
      );
    }
    case 'registration_required': {
      const { continuationToken, methods } = await services.secondFactor.registrationMethods(
        tenant,
        app,
        result.continuationToken,
      );
      return {
        continuationToken,
        action: 'enroll',
        _embedded: { methods: methods.map((m) => enrollableMethod(paths, m)) },
      };
    }
    case 'redirect':
      return sendRedirect(reply, result, request.id);
    default:
      throw new Error(`A V2 credential step ended in "${result.kind}"`);
  }
}

/** A method to register as `enroll` lists it: an email address (the one shown), or a phone by SMS (any number). */
function enrollableMethod(paths: V2Paths, m: MethodView) {
  if (m.channel === 'sms') return { type: 'phone', channels: ['sms'], _links: { enroll: link(paths.enroll('phone')) } };
  return { type: 'email', hint: m.label, _links: { enroll: link(paths.enroll('email')) } };
}

/**
 * A finished sign-up, reset or registration hands over to sign-in; V2 takes the hand-over
 * through the completion at once, so what the app still requires (a second factor, a
 * method to register) is the answer here, and only a complete sign-in reaches the finish.
 */
export async function answerHandOver(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  at: { tenant: Tenant; app: App; paths: V2Paths },
  handOverToken: string,
) {
  const result = await services.nativeSignIn.signInWithContinuation(at.tenant, at.app, {
    continuationToken: handOverToken,
    username: undefined,
    scope: [],
    device: deviceHint(request),
    context: requestContext(request),
    into: 'continuation',
  });
  return answerSignIn(services, request, reply, at, result);
}
