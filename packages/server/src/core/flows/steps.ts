import type { BrowserSignIn } from '../browser/browser-sessions.js';
import { type AttributeProblem, BatonError } from '../errors.js';
import type { App, ChallengeType, CodeChannel } from '../model.js';
import type { IssuedTokens } from '../tokens/issued-tokens.js';

/** A code was sent: what the client shows and checks (`code_length`, resend `interval`). */
export interface CodeSent {
  channel: CodeChannel;
  /** Masked address or number, for sign-in, sign-up, reset and the second factor. */
  targetLabel?: string;
  /** The address or number as the user typed it (normalized), for method registration. */
  target?: string;
  codeLength: number;
  interval: number;
}

/** The flow goes on with `continuationToken`: the challenge type chosen and, for a code, where it went. */
export interface Continue {
  kind: 'continue';
  continuationToken: string;
  challengeType?: ChallengeType | 'preverified';
  code?: CodeSent;
}

/** A step's answer: carry on with a continuation token, or send the user to the browser. */
export type StepResult = Continue | Redirect;

export interface Redirect {
  kind: 'redirect';
  reason: string;
}

/**
 * Where a flow stops for the client to supply something before it goes on with
 * `continuationToken`: a code to a registered method (`mfa_required`), a method to
 * register (`registration_required`), a password (`credential_required`), or the
 * required attributes still missing (`attributes_required`). The protocol's catalog
 * (domainErrors) says how each wire format shows it.
 */
export type FlowStep =
  | { kind: 'mfa_required'; continuationToken: string }
  | { kind: 'registration_required'; continuationToken: string }
  | { kind: 'credential_required'; continuationToken: string }
  | { kind: 'attributes_required'; continuationToken: string; attributes: readonly AttributeProblem[] };

/** The second-factor steps a sign-in can stop at. */
export type SecondFactorStep = Extract<FlowStep, { kind: 'mfa_required' | 'registration_required' }>;

/** The sign-up steps `continue` can stop at. */
export type SignUpStep = Extract<FlowStep, { kind: 'credential_required' | 'attributes_required' }>;

/**
 * What a first-party authorization request (native auth V2's `authorize-challenge` entry)
 * asked for; a flow that carries one ends in an authorization code that honours it: the
 * scope, the PKCE challenge and the DPoP key the code is bound to.
 */
export interface CodeRequest {
  scope: string[];
  codeChallenge: string | null;
  dpopJkt: string | null;
}

/** A single-use authorization code for a finished first-party sign-in, redeemed at the token endpoint. */
export interface CodeIssued {
  kind: 'authorization_code';
  code: string;
}

/**
 * The end of a sign-in: tokens, Entra's `challenge_type: redirect` when the client cannot
 * go on natively, (on the hosted pages) a browser SSO session, a second factor to prove
 * first, or (native auth V2) a continuation token to the finish and then the code it gives.
 */
export type SignInResult = IssuedTokens | Redirect | BrowserSignIn | SecondFactorStep | Continue | CodeIssued;

/**
 * What a finished sign-in becomes: tokens for an app (the default), a browser SSO session
 * (the hosted pages), a continuation token to `authorize-challenge` and, there, an
 * authorization code (native auth V2).
 */
export type SignInEnding = 'tokens' | 'browser' | 'continuation' | 'code';

/**
 * A flow begun at `authorize-challenge` (it carries a CodeRequest) ends in a code and only
 * there: issuing tokens straight away would skip the PKCE and DPoP binding the code carries.
 * A flow begun elsewhere cannot end in a code, having no request to honour. Checked before
 * the flow's token is used up.
 */
export function assertEnding(state: { codeRequest?: CodeRequest }, into: SignInEnding | undefined): void {
  const endsInCode = into === 'continuation' || into === 'code';
  if (endsInCode !== (state.codeRequest !== undefined))
    throw new BatonError(
      'invalid_continuation_token',
      endsInCode
        ? 'This continuation token was not issued by authorize-challenge'
        : 'This continuation token belongs to an authorize-challenge flow: finish it there',
    );
}

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
