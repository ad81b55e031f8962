import { grantTypes } from '@baton/protocol';
import type { BatonSdkError } from '../errors.js';
import type { Params } from '../http/form-client.js';
import { errorFromAnswer, redirectFrom } from '../http/wire-errors.js';
import { CodeStep, codeChallengeOf, continuationOf, post, step, type CodeChallenge, type FlowContext } from './flow.js';
import { credentialToken } from './credential-step.js';
import type { SignInResult } from './sign-in-states.js';

export type Attributes = Record<string, string | number | boolean>;

export interface SignUpInput {
  username: string;
  /** Given up front, or later when the server asks (`SignUpPasswordRequired`). */
  password?: string;
  attributes?: Attributes;
}

export interface RequiredAttribute {
  name: string;
  type?: string;
  required?: boolean;
  options?: { regex?: string };
}

export type SignUpResult =
  | SignUpCodeRequired
  | SignUpPasswordRequired
  | SignUpAttributesRequired
  | SignUpCompleted
  | BatonSdkError;

interface SignUpFlow {
  ctx: FlowContext;
  username: string;
}

/** A code was sent to the new address; submit it (again after `invalid_code`) or have it resent. */
export class SignUpCodeRequired extends CodeStep {
  readonly kind = 'sign_up_code_required' as const;
  constructor(
    private readonly flow: SignUpFlow,
    private readonly continuationToken: string,
    challenge: CodeChallenge,
  ) {
    super(challenge);
  }

  submitCode(code: string): Promise<SignUpResult> {
    return step(async () => {
      return continueSignUp(
        this.flow,
        { continuation_token: this.continuationToken, grant_type: grantTypes.oob, oob: this.checked(code) },
        true,
      );
    });
  }

  resendCode(): Promise<SignUpResult> {
    return step(() => challenge(this.flow, this.continuationToken));
  }
}

/** The account needs a password; retry after `password_too_weak`. */
export class SignUpPasswordRequired {
  readonly kind = 'sign_up_password_required' as const;
  constructor(
    private readonly flow: SignUpFlow,
    private readonly continuationToken: string,
  ) {}

  submitPassword(password: string): Promise<SignUpResult> {
    return step(() =>
      continueSignUp(
        this.flow,
        { continuation_token: this.continuationToken, grant_type: grantTypes.password, password },
        true,
      ),
    );
  }
}

/** The app collects attributes the user has not given yet. */
export class SignUpAttributesRequired {
  readonly kind = 'sign_up_attributes_required' as const;
  constructor(
    private readonly flow: SignUpFlow,
    private readonly continuationToken: string,
    readonly requiredAttributes: RequiredAttribute[],
  ) {}

  submitAttributes(attributes: Attributes): Promise<SignUpResult> {
    return step(() =>
      continueSignUp(
        this.flow,
        {
          continuation_token: this.continuationToken,
          grant_type: 'attributes',
          attributes: JSON.stringify(attributes),
        },
        false,
      ),
    );
  }
}

/** The account exists; `signIn()` signs in without asking for anything again. */
export class SignUpCompleted {
  readonly kind = 'sign_up_completed' as const;
  constructor(
    private readonly flow: SignUpFlow,
    private readonly continuationToken: string,
  ) {}

  signIn(): Promise<SignInResult> {
    return step(() =>
      credentialToken(this.flow.ctx, {
        grant_type: grantTypes.continuationToken,
        continuation_token: this.continuationToken,
        username: this.flow.username,
      }),
    );
  }
}

export function startSignUp(ctx: FlowContext, input: SignUpInput): Promise<SignUpResult> {
  const flow = { ctx, username: input.username };
  return step(async () => {
    const started = await post(ctx, 'signup/v1.0/start', {
      username: input.username,
      password: input.password,
      attributes: input.attributes ? JSON.stringify(input.attributes) : undefined,
      challenge_type: ctx.challengeType,
      capabilities: ctx.capabilities,
    });
    return challenge(flow, continuationOf(started));
  });
}

async function challenge(flow: SignUpFlow, continuationToken: string): Promise<SignUpResult> {
  const body = await post(flow.ctx, 'signup/v1.0/challenge', {
    continuation_token: continuationToken,
    challenge_type: flow.ctx.challengeType,
  });
  if (body.challenge_type === 'password') return new SignUpPasswordRequired(flow, continuationOf(body));
  return new SignUpCodeRequired(flow, continuationOf(body), codeChallengeOf(body));
}

/**
 * `/signup/v1.0/continue`: 2xx completes the sign-up; `credential_required` and (unless
 * attributes were just submitted) `attributes_required` are the next steps, not errors.
 */
async function continueSignUp(flow: SignUpFlow, params: Params, attributesMayFollow: boolean): Promise<SignUpResult> {
  const answer = await flow.ctx.http.post('signup/v1.0/continue', params);
  const redirect = redirectFrom(answer);
  if (redirect) return redirect;
  if (answer.ok) return new SignUpCompleted(flow, continuationOf(answer.body));
  const { error, continuation_token: next, required_attributes: required } = answer.body;
  if (error === 'credential_required' && typeof next === 'string') return challenge(flow, next);
  if (
    error === 'attributes_required' &&
    attributesMayFollow &&
    typeof next === 'string' &&
    Array.isArray(required) &&
    required.length > 0
  ) {
    return new SignUpAttributesRequired(flow, next, required as RequiredAttribute[]);
  }
  return errorFromAnswer(answer);
}
