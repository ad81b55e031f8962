import type { FastifyReply } from 'fastify';
import type { Continue, Redirect } from '../../core/flows/steps.js';
import { link, type HalLink, type V2Paths } from './links.js';

/** A method MSAL can choose: an id, a type (`password`, `email`), a hint, and the link that challenges it. */
export interface MethodAnswer {
  id: string;
  type: string;
  hint?: string;
  challenge: string;
}

const embeddedMethod = (m: MethodAnswer) => ({
  id: m.id,
  type: m.type,
  ...(m.hint !== undefined ? { hint: m.hint } : {}),
  _links: { challenge: link(m.challenge) },
});

/** `action: challenge`: the methods to prove with, the first factor (`singleFactor`) or the second (`multiFactor`). */
export const challengeAnswer = (
  continuationToken: string,
  factor: 'singleFactor' | 'multiFactor',
  methods: readonly MethodAnswer[],
) => ({
  continuationToken,
  action: 'challenge',
  challengeContext: { authenticationFactor: factor },
  _embedded: { methods: methods.map(embeddedMethod) },
});

/** `state: continue`: the flow is proved; its token goes to the finishing authorize-challenge. */
export const continueAnswer = (paths: V2Paths, continuationToken: string) => ({
  continuationToken,
  state: 'continue',
  _links: { continue: link(paths.authorizeChallenge) },
});

/**
 * `action: verify`: what to send to `verify`. A password challenge has no resend; a code
 * challenge says where the code went, how long it is, and where to ask for another.
 */
export function verifyAnswer(
  step: Continue,
  method: { id?: string; type: string },
  links: { verify: string; resend?: string },
) {
  const code = step.code;
  const _links: Record<string, HalLink> = { verify: link(links.verify) };
  if (code && links.resend) _links.resend = link(links.resend);
  return {
    continuationToken: step.continuationToken,
    action: 'verify',
    ...(method.id !== undefined ? { id: method.id } : {}),
    type: method.type,
    ...(code ? { hint: code.targetLabel ?? code.target, codeLength: code.codeLength, interval: code.interval } : {}),
    _links,
  };
}

/**
 * Entra's answer when the client must continue in a browser: a flat OAuth error whose
 * suberror is `web_redirect_required`, the one shape MSAL's isBrowserRequired() recognises.
 */
/**
 * The challenge types a V2 journey's start offers the flow engine: its own, and `redirect`,
 * because MSAL's V2 client always takes the web fallback (`isBrowserRequired()`); an app
 * that signs in only on the hosted pages is then told so rather than refused.
 */
export const withWebFallback = (challengeTypes: string) => `${challengeTypes} redirect`;

export function sendRedirect(reply: FastifyReply, redirect: Redirect, correlationId: string) {
  return reply.code(400).send({
    error: 'invalid_grant',
    error_description: redirect.reason,
    suberror: 'web_redirect_required',
    correlation_id: correlationId,
    trace_id: correlationId,
    timestamp: new Date().toISOString(),
  });
}
