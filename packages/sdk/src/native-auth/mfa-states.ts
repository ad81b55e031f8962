import { grantTypes } from '@baton/protocol';
import { BatonSdkError } from '../errors.js';
import type { Params } from '../http/form-client.js';
import { CodeStep, codeChallengeOf, continuationOf, post, step, type CodeChallenge, type FlowContext } from './flow.js';
import type { SignedIn } from './signed-in.js';

/** What a first- or second-factor credential leads to: signed in, a second factor to use or register, or an error. */
export type CredentialResult = SignedIn | MfaRequired | RegistrationRequired | BatonSdkError;

/** A flow's context with the `/token` step the MFA states end in (credential-step.ts). */
export interface MfaContext extends FlowContext {
  credentialToken(params: Params): Promise<CredentialResult>;
}

export interface AuthMethod {
  id: string;
  challengeType: string;
  channel: string;
  /** The masked address (MFA), or a hint of what to register. */
  loginHint: string | undefined;
}

export function mfaMethodsOf(body: Record<string, unknown>): AuthMethod[] {
  if (!Array.isArray(body.methods) || body.methods.length === 0)
    throw new BatonSdkError('invalid_response', 'The server listed no authentication methods');
  return body.methods.map((method: Record<string, unknown>) => ({
    id: String(method.id),
    challengeType: String(method.challenge_type ?? 'oob'),
    channel: String(method.challenge_channel ?? 'email'),
    loginHint: typeof method.login_hint === 'string' ? method.login_hint : undefined,
  }));
}

/** The app requires a second factor: pick a registered method to get a code. */
export class MfaRequired {
  readonly kind = 'mfa_required' as const;
  constructor(
    private readonly ctx: MfaContext,
    private readonly continuationToken: string,
    readonly methods: AuthMethod[],
  ) {}

  requestChallenge(methodId: string): Promise<MfaVerificationRequired | BatonSdkError> {
    return step(async () => {
      const body = await post(this.ctx, 'oauth2/v2.0/challenge', {
        continuation_token: this.continuationToken,
        challenge_type: this.ctx.challengeType,
        id: methodId,
      });
      return new MfaVerificationRequired(this.ctx, continuationOf(body), codeChallengeOf(body), this, methodId);
    });
  }
}

/** The second-factor code was sent; submit it (again after `invalid_code`) or request another. */
export class MfaVerificationRequired extends CodeStep {
  readonly kind = 'mfa_verification_required' as const;
  constructor(
    private readonly ctx: MfaContext,
    private readonly continuationToken: string,
    challenge: CodeChallenge,
    private readonly origin: MfaRequired,
    private readonly methodId: string,
  ) {
    super(challenge);
  }

  submitChallenge(code: string): Promise<CredentialResult> {
    return step(async () => {
      return this.ctx.credentialToken({
        grant_type: grantTypes.mfaOob,
        continuation_token: this.continuationToken,
        oob: this.checked(code),
      });
    });
  }

  resendChallenge(): Promise<MfaVerificationRequired | BatonSdkError> {
    return this.origin.requestChallenge(this.methodId);
  }
}

/** The app requires a second factor and the user has none: register one (an email address). */
export class RegistrationRequired {
  readonly kind = 'registration_required' as const;
  constructor(
    private readonly ctx: MfaContext,
    private readonly continuationToken: string,
    readonly methods: AuthMethod[],
  ) {}

  /**
   * Registers `target` (the address the user typed) with a method. The address a sign-up
   * just verified is registered at once (signed in); otherwise a code is sent to it. Unless
   * the app allows any address, only the sign-in address is taken (else `server_error`
   * with `serverError` `invalid_request`).
   */
  challenge(
    target: string,
    methodId = this.methods[0]?.id,
  ): Promise<RegistrationVerificationRequired | CredentialResult> {
    return step(async () => {
      const method = this.methods.find((candidate) => candidate.id === methodId) ?? this.methods[0]!;
      const body = await post(this.ctx, 'register/v1.0/challenge', {
        continuation_token: this.continuationToken,
        challenge_type: method.challengeType,
        challenge_target: target,
        challenge_channel: method.channel,
      });
      if (body.challenge_type === 'preverified') return finishRegistration(this.ctx, continuationOf(body), undefined);
      return new RegistrationVerificationRequired(this.ctx, continuationOf(body), codeChallengeOf(body));
    });
  }
}

/** A code went to the address being registered. */
export class RegistrationVerificationRequired extends CodeStep {
  readonly kind = 'registration_verification_required' as const;
  constructor(
    private readonly ctx: MfaContext,
    private readonly continuationToken: string,
    challenge: CodeChallenge,
  ) {
    super(challenge);
  }

  submitCode(code: string): Promise<CredentialResult> {
    return step(async () => {
      return finishRegistration(this.ctx, this.continuationToken, this.checked(code));
    });
  }
}

async function finishRegistration(
  ctx: MfaContext,
  continuationToken: string,
  code: string | undefined,
): Promise<CredentialResult> {
  const body = await post(
    ctx,
    'register/v1.0/continue',
    code === undefined
      ? { continuation_token: continuationToken, grant_type: grantTypes.continuationToken }
      : { continuation_token: continuationToken, grant_type: grantTypes.oob, oob: code },
  );
  return ctx.credentialToken({ grant_type: grantTypes.continuationToken, continuation_token: continuationOf(body) });
}
