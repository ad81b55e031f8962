import { randomUUID } from 'node:crypto';
import type { AccountService } from '../accounts/account-service.js';
import { normalizeEmail } from '../accounts/account-service.js';
import type { RequestThrottle } from '../abuse/request-throttle.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { hashPassword, verifyPassword } from '../credentials/password-hasher.js';
import { assertPasswordAcceptable } from '../credentials/password-policy.js';
import { BatonError } from '../errors.js';
import type { App, ClientAddress, RequestContext, Tenant } from '../model.js';
import type { CodeCheck } from '../otp/code-check.js';
import { maskEmail, type OneTimeCodes } from '../otp/one-time-codes.js';
import type { Repositories } from '../ports.js';
import type { SessionService } from '../sessions/session-service.js';
import { accountOf, type Continuation, type ContinuationTokens } from './continuation-tokens.js';
import type { NativeSignIn } from './native-sign-in.js';
import { codeProof, passwordProof } from './proofs.js';
import {
  cannotContinue,
  type CodeRequest,
  needs,
  parseCapabilities,
  usableChallengeTypes,
  type StepResult,
} from './steps.js';

interface ResetState {
  flowId: string;
  capabilities: string[];
  stage: 'started' | 'code-sent' | 'verified' | 'submitted';
  /** The authorize-challenge request the flow began with (native auth V2): it ends in a code. */
  codeRequest?: CodeRequest;
}

/** Seconds MSAL waits between polls; the reset is done by the time of the first one. */
const pollInterval = 1;

/**
 * Self-service password reset: an email code proves the mailbox, the new password must
 * pass the policy and differ from the current one, and every existing session of the
 * account is revoked (whoever knew the old password is signed out everywhere).
 */
export class PasswordReset {
  constructor(
    private readonly repos: Repositories,
    private readonly accounts: AccountService,
    private readonly continuations: ContinuationTokens,
    private readonly codes: OneTimeCodes,
    private readonly codeCheck: CodeCheck,
    private readonly sessions: SessionService,
    private readonly signIn: NativeSignIn,
    private readonly throttle: RequestThrottle,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async start(
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
    const offered = usableChallengeTypes(input.challengeType, app);
    const user = await this.accounts.requireByEmail(tenant, normalizeEmail(input.username));
    if (!offered.includes('oob')) return cannotContinue(input.challengeType, needs('Password reset', 'oob', app));
    const state: ResetState = {
      flowId: randomUUID(),
      capabilities: parseCapabilities(input.capabilities),
      stage: 'started',
      ...(input.codeRequest ? { codeRequest: input.codeRequest } : {}),
    };
    return {
      kind: 'continue',
      continuationToken: await this.continuations.issue(tenant, app, 'reset-password', user.id, state),
    };
  }

  /** Sends (or resends) the code to the account's address. */
  async challenge(
    tenant: Tenant,
    app: App,
    input: { continuationToken: string | undefined; challengeType: string | undefined },
  ): Promise<StepResult> {
    const c = await this.read(tenant, app, input.continuationToken, ['started', 'code-sent']);
    if (!usableChallengeTypes(input.challengeType, app).includes('oob'))
      return cannotContinue(input.challengeType, needs('Password reset', 'oob', app));
    const user = await accountOf(this.repos.users, tenant, c);
    const sent = await this.codes.send(tenant, c.state.flowId, user.email, 'reset-password');
    return {
      kind: 'continue',
      challengeType: 'oob',
      continuationToken: await this.next(c, 'code-sent'),
      code: { channel: 'email', targetLabel: maskEmail(user.email), ...sent },
    };
  }

  /** `continue` with `grant_type=oob`: the code. */
  async continue(
    tenant: Tenant,
    app: App,
    input: {
      continuationToken: string | undefined;
      grantType: string | undefined;
      code: string | undefined;
      context: RequestContext;
    },
  ): Promise<string> {
    if (input.grantType !== 'oob') throw new BatonError('malformed_request', 'grant_type must be oob');
    const c = await this.read(tenant, app, input.continuationToken, ['code-sent']);
    const user = await accountOf(this.repos.users, tenant, c);
    await this.codeCheck.require({
      app,
      subject: { tenantId: tenant.id, account: user.id, ip: input.context.ip },
      userId: user.id,
      flowId: c.state.flowId,
      code: input.code,
      context: input.context,
      flow: 'password_reset',
    });
    return this.next(c, 'verified');
  }

  /** `submit`: the new password. The change is done when this answers; polling only reports it. */
  async submit(
    tenant: Tenant,
    app: App,
    input: { continuationToken: string | undefined; newPassword: string | undefined; context: RequestContext },
  ): Promise<{ continuationToken: string; pollInterval: number }> {
    const c = await this.read(tenant, app, input.continuationToken, ['verified']);
    if (input.newPassword === undefined) throw new BatonError('malformed_request', 'new_password is required');
    const user = await accountOf(this.repos.users, tenant, c);
    const current = await this.repos.users.findPasswordHash(user.id);
    assertPasswordAcceptable(input.newPassword, {
      email: user.email,
      currentHashMatches: current !== null && (await verifyPassword(current, input.newPassword)),
    });
    if (!(await this.continuations.consume(c)))
      throw new BatonError('invalid_continuation_token', 'The continuation token was already used');
    await this.repos.users.setPasswordHash(user.id, await hashPassword(input.newPassword), this.clock.now());
    const revoked = await this.sessions.revokeUser(tenant, user, 'password_reset', input.context);
    // A flow started with the old password (a sign-in, an MFA step, a registration) must not finish after it.
    await this.repos.continuations.deleteForUser(user.id);
    await this.audit.record(
      {
        tenantId: tenant.id,
        type: 'password_reset.succeeded',
        userId: user.id,
        clientId: app.clientId,
        data: { sessionsRevoked: revoked.length },
      },
      input.context,
    );
    return { continuationToken: await this.next(c, 'submitted'), pollInterval };
  }

  /**
   * `poll_completion`: succeeded, with a token for sign-in. MSAL polls with the `submit`
   * token until a poll succeeds, and the first one does, so that poll ends the token: one
   * reset gives one sign-in.
   */
  async poll(
    tenant: Tenant,
    app: App,
    token: string | undefined,
  ): Promise<{ status: 'succeeded'; continuationToken: string }> {
    const c = await this.read(tenant, app, token, ['submitted']);
    const user = await accountOf(this.repos.users, tenant, c);
    if (!(await this.continuations.consume(c)))
      throw new BatonError('invalid_continuation_token', 'The continuation token was already used');
    return {
      status: 'succeeded',
      continuationToken: await this.signIn.continueToSignIn(tenant, app, user, {
        flowId: c.state.flowId,
        capabilities: c.state.capabilities,
        proofs: [codeProof(user.email, 'reset'), passwordProof],
        ...(c.state.codeRequest ? { codeRequest: c.state.codeRequest } : {}),
      }),
    };
  }

  private async read(
    tenant: Tenant,
    app: App,
    token: string | undefined,
    stages: ResetState['stage'][],
  ): Promise<Continuation<ResetState>> {
    const c = await this.continuations.read<ResetState>(tenant, app, ['reset-password'], token);
    if (!stages.includes(c.state.stage))
      throw new BatonError(
        'invalid_continuation_token',
        `This continuation token is not for this step (its step is "${c.state.stage}")`,
      );
    return c;
  }

  private next(c: Continuation<ResetState>, stage: ResetState['stage']): Promise<string> {
    return this.continuations.next(c, { ...c.state, stage });
  }
}
