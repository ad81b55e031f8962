import type { FastifyInstance } from 'fastify';
import { BatonError } from '../../core/errors.js';
import { clientAddress, deviceHint, requestContext } from '../request-context.js';
import { nativeAuthV2, type RouteDeps } from '../route-options.js';
import { challengeAnswer, sendRedirect, verifyAnswer } from './answers.js';
import { answerSignIn } from './sign-in-outcome.js';
import { v2Request } from './v2-request.js';

/** V2's names for the engine's challenge types: a method id is its type. */
const methodTypes = { password: 'password', email: 'oob' } as const;
const wireType = { password: 'password', oob: 'email' } as const;

type MethodId = keyof typeof methodTypes;

function methodOf(id: string): MethodId {
  if (id === 'password' || id === 'email') return id;
  throw new BatonError('unknown_method', `No sign-in method "${id}": use a challenge link the start answered with`);
}

/** The second factor is asked for and registered by the V2 client itself: it can always handle both steps. */
export const v2Capabilities = 'mfa_required registration_required';

/**
 * V2 sign-in: start (`sign_in` link, the username) lists the account's methods; a method's
 * `challenge` link asks for the password or sends a code; its `verify` link checks it.
 */
export function signInV2Routes(app: FastifyInstance, { services }: RouteDeps) {
  app.post('/:tenant/native-auth/v2/sign-in', nativeAuthV2, async (request, reply) => {
    const { tenant, app: client, paths, p } = await v2Request(services, request, ['username']);
    const codeRequest = await services.authorizeChallenge.entry(tenant, client, p.continuationToken);
    const started = await services.nativeSignIn.initiate(tenant, client, {
      username: p.username,
      challengeType: Object.values(methodTypes).join(' '),
      capabilities: v2Capabilities,
      client: clientAddress(request),
      codeRequest,
    });
    if (started.kind === 'redirect') return sendRedirect(reply, started, request.id);
    const methods = await services.nativeSignIn.methods(tenant, client, started.continuationToken);
    return challengeAnswer(
      started.continuationToken,
      'singleFactor',
      methods.map((m) => ({
        id: wireType[m.type],
        type: wireType[m.type],
        hint: m.hint,
        challenge: paths.signInChallenge(wireType[m.type]),
      })),
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
