import { grantTypes } from '@baton/protocol';
import type { BatonSdkError } from '../errors.js';
import type { Params } from '../http/form-client.js';
import { errorFromAnswer, redirectFrom } from '../http/wire-errors.js';
import type { Account } from '../tokens/account.js';
import { postToken } from '../tokens/token-endpoint.js';
import { CodeStep, codeChallengeOf, continuationOf, post, step, type CodeChallenge, type FlowContext } from './flow.js';
import { MfaRequired, RegistrationRequired, mfaMethodsOf } from './mfa-states.js';

export type SignInResult =
  | SignInPasswordRequired
  | SignInCodeRequired
  | MfaRequired
  | RegistrationRequired
  | SignedIn
  | BatonSdkError;

export class SignedIn {
  readonly kind = 'signed_in' as const;
  constructor(readonly account: Account) {}
}

/** The password is needed; `submitPassword` can be called again after `invalid_password`. */
export class SignInPasswordRequired {
  readonly kind = 'sign_in_password_required' as const;
  constructor(
    private readonly ctx: FlowContext,
    private readonly continuationToken: string,
  ) {}

  submitPassword(password: string): Promise<SignInResult> {
    return step(() =>
      credentialToken(this.ctx, {
        grant_type: grantTypes.password,
        continuation_token: this.continuationToken,
        password,
      }),
    );
  }
}

/** A one-time code was sent; submit it (again after `invalid_code`), or have it sent anew. */
export class SignInCodeRequired extends CodeStep {
  readonly kind = 'sign_in_code_required' as const;
  constructor(
    private readonly ctx: FlowContext,
    private readonly continuationToken: string,
    challenge: CodeChallenge,
  ) {
    super(challenge);
  }

  submitCode(code: string): Promise<SignInResult> {
    return step(async () => {
      return credentialToken(this.ctx, {
        grant_type: grantTypes.oob,
        continuation_token: this.continuationToken,
        oob: this.checked(code),
      });
    });
  }

  resendCode(): Promise<SignInResult> {
    return step(() => challenge(this.ctx, this.continuationToken, undefined));
  }
}

/** `/initiate` then `/challenge`; with a password in hand, straight on to `/token`. */
export async function startSignIn(
  ctx: FlowContext,
  username: string,
  password: string | undefined,
): Promise<SignInResult> {
  return step(async () => {
    const initiated = await post(ctx, 'oauth2/v2.0/initiate', {
      username,
      challenge_type: ctx.challengeType,
      capabilities: ctx.capabilities,
    });
    return challenge(ctx, continuationOf(initiated), password);
  });
}

async function challenge(
  ctx: FlowContext,
  continuationToken: string,
  password: string | undefined,
): Promise<SignInResult> {
  const body = await post(ctx, 'oauth2/v2.0/challenge', {
    continuation_token: continuationToken,
    challenge_type: ctx.challengeType,
  });
  const next = continuationOf(body);
  if (body.challenge_type === 'password') {
    const state = new SignInPasswordRequired(ctx, next);
    return password === undefined ? state : state.submitPassword(password);
  }
  return new SignInCodeRequired(ctx, next, codeChallengeOf(body));
}

/**
 * A `/token` call with a first- or second-factor credential. Tokens sign the user in;
 * `mfa_required` and `registration_required` lead to the MFA states; other errors are
 * the step's typed result.
 */
export async function credentialToken(ctx: FlowContext, params: Params): Promise<SignInResult> {
  const answer = await postToken(ctx, params);
  const redirect = redirectFrom(answer);
  if (redirect) return redirect;
  if (answer.ok) return new SignedIn(await ctx.openAccount(answer.body));
  const suberror = answer.body.suberror;
  if (
    (suberror === 'mfa_required' || suberror === 'registration_required') &&
    typeof answer.body.continuation_token === 'string'
  ) {
    const path = suberror === 'mfa_required' ? 'oauth2/v2.0/introspect' : 'register/v1.0/introspect';
    const body = await post(ctx, path, { continuation_token: answer.body.continuation_token });
    const State = suberror === 'mfa_required' ? MfaRequired : RegistrationRequired;
    return new State(ctx, continuationOf(body), mfaMethodsOf(body));
  }
  return errorFromAnswer(answer);
}
