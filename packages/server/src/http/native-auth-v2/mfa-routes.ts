import type { FastifyInstance } from 'fastify';
import { BatonError } from '../../core/errors.js';
import { deviceHint, requestContext } from '../request-context.js';
import { nativeAuthV2, type RouteDeps } from '../route-options.js';
import type { StepResult } from '../../core/flows/steps.js';
import { link, type V2Paths } from './links.js';
import { answerHandOver, answerSignIn } from './sign-in-outcome.js';
import { sendRedirect, verifyAnswer } from './answers.js';
import { v2Request } from './v2-request.js';

/**
 * `action: activate`: the code went to the address or number being registered; `activate`
 * takes it, `resend` sends it again.
 */
function activateAnswer(paths: V2Paths, step: StepResult) {
  if (step.kind !== 'continue' || !step.code) throw new Error('V2 registration sends a code');
  return {
    continuationToken: step.continuationToken,
    action: 'activate',
    type: step.code.channel,
    hint: step.code.target,
    codeLength: step.code.codeLength,
    _links: { activate: link(paths.activate), resend: link(paths.registrationResend) },
  };
}

/**
 * The second factor over V2: a registered method's `challenge` link sends it a code, `verify`
 * checks it; and just-in-time registration: `enroll` (an email address, or a phone number with
 * `channel: sms` when an SMS gateway is configured) sends a code, `activate` checks it and the
 * sign-in goes on.
 */
export function mfaV2Routes(app: FastifyInstance, { services }: RouteDeps) {
  app.post<{ Params: { methodId: string } }>(
    '/:tenant/native-auth/v2/mfa/methods/:methodId/challenge',
    nativeAuthV2,
    async (request, reply) => {
      const { methodId } = request.params;
      const { tenant, app: client, paths, p } = await v2Request(services, request, []);
      const step = await services.secondFactor.challenge(tenant, client, {
        continuationToken: p.continuationToken,
        challengeType: 'oob',
        methodId,
      });
      if (step.kind === 'redirect') return sendRedirect(reply, step, request.id);
      return verifyAnswer(
        step,
        { id: methodId, type: step.code?.channel ?? 'email' },
        { verify: paths.mfaVerify, resend: paths.mfaChallenge(methodId) },
      );
    },
  );

  app.post('/:tenant/native-auth/v2/mfa/verify', nativeAuthV2, async (request, reply) => {
    const at = await v2Request(services, request, ['otp']);
    const result = await services.secondFactor.verify(at.tenant, at.app, {
      continuationToken: at.p.continuationToken,
      code: at.p.otp,
      scope: [],
      device: deviceHint(request),
      context: requestContext(request),
      into: 'continuation',
    });
    return answerSignIn(services, request, reply, at, result);
  });

  app.post<{ Params: { type: string } }>('/:tenant/native-auth/v2/register/:type', nativeAuthV2, async (request) => {
    const { type } = request.params;
    if (type !== 'email' && type !== 'phone')
      throw new BatonError('unsupported_method_type', `Only email and phone methods can be registered, not "${type}"`);
    if (type === 'phone' && !services.secondFactor.textsCodes())
      throw new BatonError(
        'unsupported_method_type',
        'Phone (SMS) methods need an SMS gateway, and none is configured: register an email address',
      );
    const { tenant, app: client, paths, p } = await v2Request(services, request, ['email', 'phoneNumber', 'channel']);
    const step = await services.secondFactor.registrationChallenge(tenant, client, {
      continuationToken: p.continuationToken,
      challengeType: 'oob',
      target: type === 'phone' ? p.phoneNumber : p.email,
      channel: type === 'phone' ? (p.channel ?? 'sms') : 'email',
      codeAlways: true,
    });
    return activateAnswer(paths, step);
  });

  app.post('/:tenant/native-auth/v2/register/resend', nativeAuthV2, async (request) => {
    const { tenant, app: client, paths, p } = await v2Request(services, request, []);
    return activateAnswer(paths, await services.secondFactor.registrationResend(tenant, client, p.continuationToken));
  });

  app.post('/:tenant/native-auth/v2/register/activate', nativeAuthV2, async (request, reply) => {
    const at = await v2Request(services, request, ['otp']);
    const handOver = await services.secondFactor.registrationContinue(at.tenant, at.app, {
      continuationToken: at.p.continuationToken,
      grantType: 'oob',
      code: at.p.otp,
      context: requestContext(request),
    });
    return answerHandOver(services, request, reply, at, handOver);
  });
}
