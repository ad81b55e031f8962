import type { FastifyInstance } from 'fastify';
import { deviceHint, requestContext } from '../request-context.js';
import { nativeAuthV2, type RouteDeps } from '../route-options.js';
import { sendRedirect, verifyAnswer } from './answers.js';
import { answerSignIn } from './sign-in-outcome.js';
import { methodOf, methodTypes, startSignIn } from './sign-in-start.js';
import { v2Request } from './v2-request.js';

/**
 * V2 sign-in: start (`sign_in` link, the username) lists the account's methods; a method's
 * `challenge` link asks for the password or sends a code; its `verify` link checks it.
 */
export function signInV2Routes(app: FastifyInstance, { services }: RouteDeps) {
  app.post('/:tenant/native-auth/v2/sign-in', nativeAuthV2, async (request, reply) => {
    const at = await v2Request(services, request, ['username']);
    return services.authorizeChallenge.begin(at.tenant, at.app, at.p.continuationToken, (codeRequest) =>
      startSignIn(services, request, reply, at, at.p.username, codeRequest),
    );
  });

  app.post<{ Params: { method: string } }>(
    '/:tenant/native-auth/v2/sign-in/methods/:method/challenge',
    nativeAuthV2,
    async (request, reply) => {
      const method = methodOf(request.params.method);
      const { tenant, app: client, paths, p } = await v2Request(services, request, []);
      const step = await services.nativeSignIn.challenge(tenant, client, {
        continuationToken: p.continuationToken,
        challengeType: methodTypes[method],
      });
      if (step.kind === 'redirect') return sendRedirect(reply, step, request.id);
      return verifyAnswer(
        step,
        { id: method, type: method },
        { verify: paths.signInVerify(method), resend: paths.signInChallenge(method) },
      );
    },
  );

  app.post<{ Params: { method: string } }>(
    '/:tenant/native-auth/v2/sign-in/methods/:method/verify',
    nativeAuthV2,
    async (request, reply) => {
      const method = methodOf(request.params.method);
      const at = await v2Request(services, request, ['password', 'otp']);
      const { tenant, app: client, p } = at;
      const input = {
        continuationToken: p.continuationToken,
        scope: [],
        device: deviceHint(request),
        context: requestContext(request),
        into: 'continuation' as const,
      };
      const result =
        method === 'password'
          ? await services.nativeSignIn.signInWithPassword(tenant, client, { ...input, password: p.password })
          : await services.nativeSignIn.signInWithCode(tenant, client, { ...input, code: p.otp });
      return answerSignIn(services, request, reply, at, result);
    },
  );
}
