import { grantTypes } from '@baton/protocol';
import { credentialToken } from './credential-step.js';
import { CodeStep, codeChallengeOf, continuationOf, post, step, type CodeChallenge, type FlowContext } from './flow.js';
import type { CredentialResult } from './mfa-states.js';

export type SignInResult = SignInPasswordRequired | SignInCodeRequired | CredentialResult;

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
