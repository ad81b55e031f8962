import type { BrowserSignIn } from '../browser/browser-sessions.js';
import { BatonError } from '../errors.js';
import type { App, ChallengeType } from '../model.js';
import type { IssuedTokens } from '../tokens/issued-tokens.js';

/** A code was sent: what the client shows and checks (`code_length`, resend `interval`). */
export interface CodeSent {
  channel: 'email';
  /** Masked address, for sign-in, sign-up and reset. */
  targetLabel?: string;
  /** The address as the user typed it, for method registration. */
  target?: string;
  codeLength: number;
  interval: number;
}

/** A step's answer: carry on with a continuation token, or send the user to the browser. */
export type StepResult =
  | { kind: 'continue'; continuationToken: string; challengeType?: ChallengeType | 'preverified'; code?: CodeSent }
  | Redirect;

export interface Redirect {
  kind: 'redirect';
  reason: string;
}

/**
 * The end of a sign-in: tokens, Entra's `challenge_type: redirect` when the client cannot
 * go on natively, or (on the hosted pages) a browser SSO session.
 */
export type SignInResult = IssuedTokens | Redirect | BrowserSignIn;

export const redirect = (reason: string): Redirect => ({ kind: 'redirect', reason });

const listed = (offered: string | undefined) => (offered ?? '').split(/[\s,]+/).filter(Boolean);

/** The challenge types both the client offered and the app allows, in the client's order. */
export function usableChallengeTypes(offered: string | undefined, app: App): ChallengeType[] {
  const types = listed(offered);
  if (types.length === 0) throw new BatonError('malformed_request', 'challenge_type is required');
  return types.filter((t): t is ChallengeType => (app.challengeTypes as string[]).includes(t));
}

/**
 * The answer when a step cannot go on with the challenge types the client offered:
 * Entra's `challenge_type: redirect` when the client offered `redirect` (its browser can
 * take over), else `unsupported_challenge_type`, which MSAL reports as
 * isUnsupportedChallengeType() (901007: the list lacks `redirect`).
 */
export function cannotContinue(offered: string | undefined, reason: string): Redirect {
  if (!listed(offered).includes('redirect')) throw new BatonError('no_usable_challenge_type', reason);
  return redirect(reason);
}

/** Why a step that needs `type` cannot use it: the app does not, or the client did not offer it. */
export function needs(step: string, type: ChallengeType, app: App): string {
  return app.challengeTypes.includes(type)
    ? `${step} needs the ${type} challenge type: offer it`
    : `${step} needs the ${type} challenge type, which this app does not use`;
}

/**
 * What the client can handle beyond the basics: `mfa_required`, `registration_required`.
 * MSAL sends `capabilities` space-separated; Entra's docs show `capability`, sometimes with commas.
 */
export function parseCapabilities(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}
