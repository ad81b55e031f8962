import { grantTypes } from '@baton/protocol';
import { BatonSdkError } from '../errors.js';
import { CodeStep, codeChallengeOf, continuationOf, post, step, type CodeChallenge, type FlowContext } from './flow.js';
import { credentialToken } from './credential-step.js';
import type { SignInResult } from './sign-in-states.js';

export type ResetPasswordResult =
  | ResetPasswordCodeRequired
  | ResetPasswordPasswordRequired
  | ResetPasswordCompleted
  | BatonSdkError;

interface ResetFlow {
  ctx: FlowContext;
  username: string;
}

/** How long to wait for the server to finish a reset before giving up (as MSAL does). */
const pollDeadlineMs = 300_000;

/** A code went to the account's address; submit it (again after `invalid_code`) or have it resent. */
export class ResetPasswordCodeRequired extends CodeStep {
  readonly kind = 'reset_password_code_required' as const;
  constructor(
    private readonly flow: ResetFlow,
    private readonly continuationToken: string,
    challenge: CodeChallenge,
  ) {
    super(challenge);
  }

  submitCode(code: string): Promise<ResetPasswordResult> {
    return step(async () => {
      const body = await post(this.flow.ctx, 'resetpassword/v1.0/continue', {
        continuation_token: this.continuationToken,
        grant_type: grantTypes.oob,
        oob: this.checked(code),
      });
      return new ResetPasswordPasswordRequired(this.flow, continuationOf(body));
    });
  }

  resendCode(): Promise<ResetPasswordResult> {
    return step(() => challenge(this.flow, this.continuationToken));
  }
}

/** The code was right: choose the new password (again after `password_too_weak`). */
export class ResetPasswordPasswordRequired {
  readonly kind = 'reset_password_password_required' as const;
  constructor(
    private readonly flow: ResetFlow,
    private readonly continuationToken: string,
  ) {}

  submitPassword(newPassword: string): Promise<ResetPasswordResult> {
    return step(async () => {
      const { ctx } = this.flow;
      const submitted = await post(ctx, 'resetpassword/v1.0/submit', {
        continuation_token: this.continuationToken,
        new_password: newPassword,
      });
      const pollToken = continuationOf(submitted);
      const intervalMs = Math.max(1, typeof submitted.poll_interval === 'number' ? submitted.poll_interval : 2) * 1000;
      const deadline = ctx.platform.now() + pollDeadlineMs;
      for (;;) {
        const polled = await post(ctx, 'resetpassword/v1.0/poll_completion', { continuation_token: pollToken });
        if (polled.status === 'succeeded') return new ResetPasswordCompleted(this.flow, continuationOf(polled));
        if (polled.status === 'failed')
          return new BatonSdkError('server_error', 'The server could not change the password');
        if (ctx.platform.now() > deadline)
          return new BatonSdkError('timeout', 'The password change did not complete in time');
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    });
  }
}

/** The password is changed; `signIn()` signs in with it without asking again. */
export class ResetPasswordCompleted {
  readonly kind = 'reset_password_completed' as const;
  constructor(
    private readonly flow: ResetFlow,
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

export function startResetPassword(ctx: FlowContext, username: string): Promise<ResetPasswordResult> {
  const flow = { ctx, username };
  return step(async () => {
    const started = await post(ctx, 'resetpassword/v1.0/start', {
      username,
      challenge_type: ctx.challengeType,
      capabilities: ctx.capabilities,
    });
    return challenge(flow, continuationOf(started));
  });
}

async function challenge(flow: ResetFlow, continuationToken: string): Promise<ResetPasswordResult> {
  const body = await post(flow.ctx, 'resetpassword/v1.0/challenge', {
    continuation_token: continuationToken,
    challenge_type: flow.ctx.challengeType,
  });
  if (body.challenge_type !== 'oob')
    throw new BatonSdkError(
      'invalid_response',
      `Password reset needs a code; the server offered ${String(body.challenge_type)}`,
    );
  return new ResetPasswordCodeRequired(flow, continuationOf(body), codeChallengeOf(body));
}
