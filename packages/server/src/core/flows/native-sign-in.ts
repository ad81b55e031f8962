import { randomUUID } from 'node:crypto';
import type { AttemptLimiter } from '../abuse/attempt-limiter.js';
import type { RequestThrottle } from '../abuse/request-throttle.js';
import type { AccountService } from '../accounts/account-service.js';
import { normalizeEmail } from '../accounts/account-service.js';
import type { AuditLog } from '../audit/audit-log.js';
import { verifyPassword } from '../credentials/password-hasher.js';
import { BatonError } from '../errors.js';
import type { App, ClientAddress, RequestContext, Tenant, User } from '../model.js';
import type { CodeCheck } from '../otp/code-check.js';
import { maskEmail, type OneTimeCodes } from '../otp/one-time-codes.js';
import type { Repositories } from '../ports.js';
import { accountOf, type Continuation, type ContinuationTokens } from './continuation-tokens.js';
import { codeProof, passwordProof, provedSoFar, type Proof } from './proofs.js';
import { passwordFirst, type DeviceHint, type SignInCompletion } from './sign-in-completion.js';
import { handOverToSignIn, type SignInState } from './sign-in-state.js';
import {
  assertEnding,
  cannotContinue,
  type CodeRequest,
  parseCapabilities,
  type SignInEnding,
  usableChallengeTypes,
  type SignInResult,
  type StepResult,
} from './steps.js';

export interface TokenStepInput {
  continuationToken: string | undefined;
  scope: string[];
  device: DeviceHint;
  context: RequestContext;
  into?: SignInEnding;
}

/** Native-auth sign-in (`initiate`, `challenge`, and `token` with a credential), as Entra shapes it. */
export class NativeSignIn {
  constructor(
    private readonly repos: Repositories,
    private readonly accounts: AccountService,
    private readonly continuations: ContinuationTokens,
    private readonly completion: SignInCompletion,
    private readonly codes: OneTimeCodes,
    private readonly codeCheck: CodeCheck,
    private readonly limiter: AttemptLimiter,
    private readonly throttle: RequestThrottle,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Starts a sign-in. An unknown username answers `user_not_found`: Entra's wire shape
   * reveals it here and MSAL depends on it (docs/security.md explains the trade-off).
   */
  async initiate(
    tenant: Tenant,
    app: App,
    input: {
      username: string | undefined;
      challengeType: string | undefined;
      capabilities: string | undefined;
      client: ClientAddress;
      codeRequest?: CodeRequest;
    },
  ): Promise<StepResult> {
    // A flow begun at authorize-challenge was counted there (the entry is the stored row it limits).
    if (!input.codeRequest) await this.throttle.flowStart(tenant.id, input.client);
    const challengeTypes = usableChallengeTypes(input.challengeType, app);
    const user = await this.accounts.requireByEmail(tenant, normalizeEmail(input.username));
    if (!challengeTypes.some((t) => t !== 'redirect'))
      return cannotContinue(input.challengeType, 'None of the offered challenge types can be used for this app');
    const state: SignInState = {
      flowId: randomUUID(),
      stage: 'initiated',
      capabilities: parseCapabilities(input.capabilities),
      ...(input.codeRequest ? { codeRequest: input.codeRequest } : {}),
    };
    return {
      kind: 'continue',
      continuationToken: await this.continuations.issue(tenant, app, 'sign-in', user.id, state),
    };
  }

  /**
   * Chooses how the user proves who they are: a password when they have one and the client
   * can ask for it, else an email code. Called again, it resends the code. An app that
   * requires MFA starts with the password: a code to the sign-in address would be the
   * only factor (docs/security.md), so none is sent for a sign-in that could not finish.
   */
  async challenge(
    tenant: Tenant,
    app: App,
    input: { continuationToken: string | undefined; challengeType: string | undefined },
  ): Promise<StepResult> {
    const continuation = await this.continuations.read<SignInState>(tenant, app, ['sign-in'], input.continuationToken);
    if (continuation.state.stage === 'continuation')
      throw new BatonError('invalid_continuation_token', 'This continuation token is for the token endpoint');
    const offered = usableChallengeTypes(input.challengeType, app);
    const user = await accountOf(this.repos.users, tenant, continuation);
    const hasPassword = (await this.repos.users.findPasswordHash(user.id)) !== null;
    const next = (stage: SignInState['stage']) =>
      this.continuations.next(continuation, { ...continuation.state, stage });
    if (offered.includes('password') && hasPassword && continuation.state.stage !== 'oob') {
      return { kind: 'continue', challengeType: 'password', continuationToken: await next('password') };
    }
    if (app.requireMfa) return cannotContinue(input.challengeType, passwordFirst);
    if (offered.includes('oob')) {
      const sent = await this.codes.send(tenant, continuation.state.flowId, user.email, 'sign-in');
      return {
        kind: 'continue',
        challengeType: 'oob',
        continuationToken: await next('oob'),
        code: { channel: 'email', targetLabel: maskEmail(user.email), ...sent },
      };
    }
    return cannotContinue(input.challengeType, 'This account cannot sign in with the challenge types offered');
  }

  /**
   * The ways this sign-in can prove who the user is, for a client that lets the user choose
   * (native auth V2 lists them): the password when the account has one and the app takes
   * it; an email code when the app takes codes and does not require MFA (see `challenge`).
   */
  async methods(
    tenant: Tenant,
    app: App,
    token: string | undefined,
  ): Promise<{ type: 'password' | 'oob'; hint: string }[]> {
    const continuation = await this.continuations.read<SignInState>(tenant, app, ['sign-in'], token);
    const user = await accountOf(this.repos.users, tenant, continuation);
    const hasPassword = (await this.repos.users.findPasswordHash(user.id)) !== null;
    const hint = maskEmail(user.email);
    const methods = [
      ...(app.challengeTypes.includes('password') && hasPassword ? [{ type: 'password' as const, hint }] : []),
      ...(app.challengeTypes.includes('oob') && !app.requireMfa ? [{ type: 'oob' as const, hint }] : []),
    ];
    if (methods.length === 0)
      throw new BatonError('no_usable_challenge_type', 'This account cannot sign in with the methods this app uses');
    return methods;
  }

  /** `grant_type=password`. A wrong password leaves the continuation token usable for a retry. */
  async signInWithPassword(
    tenant: Tenant,
    app: App,
    input: TokenStepInput & { password: string | undefined },
  ): Promise<SignInResult> {
    const continuation = await this.stage(tenant, app, input.continuationToken, 'password');
    if (!input.password) throw new BatonError('malformed_request', 'password is required');
    const user = await accountOf(this.repos.users, tenant, continuation);
    const subject = { tenantId: tenant.id, account: user.id, ip: input.context.ip };
    const password = input.password;
    const { succeeded, lockedNow } = await this.limiter.attempt(subject, async () =>
      verifyPassword(await this.repos.users.findPasswordHash(user.id), password),
    );
    if (!succeeded) {
      await this.audit.record(
        {
          tenantId: tenant.id,
          type: lockedNow ? 'account.locked' : 'sign_in.failed',
          userId: user.id,
          clientId: app.clientId,
          data: { reason: 'invalid_password' },
        },
        input.context,
      );
      throw new BatonError('wrong_password', 'Error validating credentials due to invalid username or password');
    }
    return this.finish(tenant, app, continuation, user, [passwordProof], input);
  }

  /** `grant_type=oob`: the email code sent by `challenge`. */
  async signInWithCode(
    tenant: Tenant,
    app: App,
    input: TokenStepInput & { code: string | undefined },
  ): Promise<SignInResult> {
    const continuation = await this.stage(tenant, app, input.continuationToken, 'oob');
    const user = await accountOf(this.repos.users, tenant, continuation);
    await this.codeCheck.require({
      app,
      subject: { tenantId: tenant.id, account: user.id, ip: input.context.ip },
      userId: user.id,
      flowId: continuation.state.flowId,
      code: input.code,
      context: input.context,
      flow: 'sign_in',
    });
    return this.finish(tenant, app, continuation, user, [codeProof(user.email, 'sign-in')], input);
  }

  /** `grant_type=continuation_token`: sign-in after sign-up, password reset or method registration. */
  async signInWithContinuation(
    tenant: Tenant,
    app: App,
    input: TokenStepInput & { username: string | undefined },
  ): Promise<SignInResult> {
    const continuation = await this.stage(tenant, app, input.continuationToken, 'continuation');
    const user = await accountOf(this.repos.users, tenant, continuation);
    if (input.username !== undefined && normalizeEmail(input.username) !== user.email) {
      throw new BatonError('invalid_continuation_token', 'The username does not match the continuation token');
    }
    return this.finish(tenant, app, continuation, user, provedSoFar(continuation.state), input);
  }

  /** Hands a finished flow over to `grant_type=continuation_token` (or, V2, to the finishing authorize-challenge). */
  continueToSignIn(tenant: Tenant, app: App, user: User, state: Omit<SignInState, 'stage'>): Promise<string> {
    return handOverToSignIn(this.continuations, tenant, app, user, state);
  }

  private async stage(
    tenant: Tenant,
    app: App,
    token: string | undefined,
    stage: SignInState['stage'],
  ): Promise<Continuation<SignInState>> {
    const continuation = await this.continuations.read<SignInState>(tenant, app, ['sign-in'], token);
    if (continuation.state.stage !== stage) {
      throw new BatonError(
        'invalid_continuation_token',
        `This continuation token is not for this grant (its step is "${continuation.state.stage}")`,
      );
    }
    return continuation;
  }

  private async finish(
    tenant: Tenant,
    app: App,
    continuation: Continuation<SignInState>,
    user: User,
    proofs: Proof[],
    input: TokenStepInput,
  ): Promise<SignInResult> {
    assertEnding(continuation.state, input.into);
    if (!(await this.continuations.consume(continuation)))
      throw new BatonError('invalid_continuation_token', 'The continuation token was already used');
    return this.completion.complete({
      tenant,
      app,
      user,
      proofs,
      capabilities: continuation.state.capabilities,
      requestedScope: input.scope,
      device: input.device,
      context: input.context,
      ...(input.into ? { into: input.into } : {}),
      ...(continuation.state.codeRequest ? { codeRequest: continuation.state.codeRequest } : {}),
    });
  }
}
