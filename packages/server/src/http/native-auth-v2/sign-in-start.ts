import type { FastifyReply, FastifyRequest } from 'fastify';
import { BatonError } from '../../core/errors.js';
import type { CodeRequest } from '../../core/flows/steps.js';
import type { App, Tenant } from '../../core/model.js';
import type { Services } from '../../core/services.js';
import { clientAddress } from '../request-context.js';
import { challengeAnswer, sendRedirect, withWebFallback } from './answers.js';
import type { V2Paths } from './links.js';
import { v2Capabilities } from './v2-request.js';

/** V2's names for the engine's challenge types: a sign-in method's id is its type. */
export const methodTypes = { password: 'password', email: 'oob' } as const;
const wireType = { password: 'password', oob: 'email' } as const;

export type MethodId = keyof typeof methodTypes;

export function methodOf(id: string): MethodId {
  if (id === 'password' || id === 'email') return id;
  throw new BatonError('unknown_method', `No sign-in method "${id}": use a challenge link the start answered with`);
}

/**
 * Starts a sign-in for `username` and answers `action: challenge` (`singleFactor`) with the
 * account's methods, each with its challenge link. The `sign_in` link answers this; so does
 * `sign_up` for an address that already has an account (MSAL's existing-account path).
 */
export async function startSignIn(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  at: { tenant: Tenant; app: App; paths: V2Paths },
  username: string | undefined,
  codeRequest: CodeRequest,
) {
  const { tenant, app, paths } = at;
  const started = await services.nativeSignIn.initiate(tenant, app, {
    username,
    challengeType: withWebFallback(Object.values(methodTypes).join(' ')),
    capabilities: v2Capabilities,
    client: clientAddress(request),
    codeRequest,
  });
  if (started.kind === 'redirect') return sendRedirect(reply, started, request.id);
  const methods = await services.nativeSignIn.methods(tenant, app, started.continuationToken);
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
}
