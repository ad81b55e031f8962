import type { TokenResponse } from '@baton/protocol';
import type { AccountService } from '../accounts/account-service.js';
import { normalizeEmail } from '../accounts/account-service.js';
import type { AuditLog } from '../audit/audit-log.js';
import { verifyPassword } from '../credentials/password-hasher.js';
import { BatonError } from '../errors.js';
import type { App, ChallengeType, RequestContext, Tenant } from '../model.js';
import type { Repositories } from '../ports.js';
import type { ContinuationTokens } from './continuation-tokens.js';
import type { DeviceHint, SignInCompletion } from './sign-in-completion.js';

/** A step's answer: carry on with a continuation token, or send the user to the browser. */
export type StepResult =
  | { kind: 'continue'; continuationToken: string; challengeType?: ChallengeType }
  | { kind: 'redirect'; reason: string };

interface SignInState {
  stage: 'initiated' | 'password';
  challengeTypes: ChallengeType[];
}

/** The challenge types both the client offered and the app allows, in the client's order. */
export function usableChallengeTypes(offered: string | undefined, app: App): ChallengeType[] {
  const types = (offered ?? '').split(' ').filter(Boolean);
  if (types.length === 0) throw new BatonError('invalid_request', 'challenge_type is required');
  return types.filter((t): t is ChallengeType => (app.challengeTypes as string[]).includes(t));
}

const redirect = (reason: string): StepResult => ({ kind: 'redirect', reason });

/** Native-auth sign-in (`initiate`, `challenge`, `token` with a credential), as Entra shapes it. */
export class NativeSignIn {
  constructor(
    private readonly repos: Repositories,
    private readonly accounts: AccountService,
    private readonly continuations: ContinuationTokens,
    private readonly completion: SignInCompletion,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Starts a sign-in. An unknown username answers `user_not_found`: Entra's wire shape
   * reveals it here and MSAL depends on it (docs/security.md explains the trade-off).
   */
  async initiate(tenant: Tenant, app: App, input: { username: string | undefined; challengeType: string | undefined }): Promise<StepResult> {
    const challengeTypes = usableChallengeTypes(input.challengeType, app);
    const user = await this.accounts.requireByEmail(tenant, normalizeEmail(input.username));
    if (!challengeTypes.some((t) => t !== 'redirect')) return redirect('None of the offered challenge types can be used for this app');
    const state: SignInState = { stage: 'initiated', challengeTypes };
    return { kind: 'continue', continuationToken: await this.continuations.issue(tenant, app, 'sign-in', user.id, state) };
  }

  /** Chooses how the user proves who they are: a password when they have one and the client can ask for it. */
  async challenge(tenant: Tenant, app: App, input: { continuationToken: string | undefined; challengeType: string | undefined }): Promise<StepResult> {
    const continuation = await this.continuations.read<SignInState>(tenant, app, ['sign-in'], input.continuationToken);
    const offered = usableChallengeTypes(input.challengeType, app);
    const userId = continuation.record.userId;
    const hasPassword = userId !== null && (await this.repos.users.findPasswordHash(userId)) !== null;
    if (offered.includes('password') && hasPassword) {
      const state: SignInState = { stage: 'password', challengeTypes: offered };
      return { kind: 'continue', challengeType: 'password', continuationToken: await this.continuations.issue(tenant, app, 'sign-in', userId, state) };
    }
    return redirect('This account cannot sign in with the challenge types offered');
  }

  /**
   * `grant_type=password`: checks the password against the account the continuation
   * token names. A wrong password leaves the token usable for a retry.
   */
  async signInWithPassword(tenant: Tenant, app: App, input: {
    continuationToken: string | undefined; password: string | undefined; scope: string[]; device: DeviceHint; context: RequestContext;
  }): Promise<TokenResponse> {
    const continuation = await this.continuations.read<SignInState>(tenant, app, ['sign-in'], input.continuationToken);
    if (continuation.state.stage !== 'password') throw new BatonError('invalid_grant', 'This continuation token is not for a password', { errorCodes: [55200] });
    if (!input.password) throw new BatonError('invalid_request', 'password is required');
    const userId = continuation.record.userId;
    const user = userId ? await this.repos.users.findById(tenant.id, userId) : null;
    const valid = await verifyPassword(user ? await this.repos.users.findPasswordHash(user.id) : null, input.password);
    if (!user || !valid) {
      await this.audit.record({ tenantId: tenant.id, type: 'sign_in.failed', userId, clientId: app.clientId, data: { reason: 'invalid_password' } }, input.context);
      throw new BatonError('invalid_grant', 'Error validating credentials due to invalid username or password', { errorCodes: [50126] });
    }
    if (!(await this.continuations.consume(continuation))) throw new BatonError('invalid_grant', 'The continuation token was already used', { errorCodes: [55200] });
    return this.completion.complete({ tenant, app, user, amr: ['pwd'], requestedScope: input.scope, device: input.device, context: input.context });
  }
}
