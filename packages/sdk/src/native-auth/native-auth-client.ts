import { createContext, type ClientConfig } from '../context.js';
import { BatonSdkError } from '../errors.js';
import { errorFromAnswer } from '../http/wire-errors.js';
import { Account } from '../tokens/account.js';
import { AccountSlot } from '../tokens/account-slot.js';
import { recordFrom } from '../tokens/session-record.js';
import { deviceSsoExchangeParams, shareDeviceSso } from '../tokens/device-sso.js';
import { TokenCache } from '../tokens/token-cache.js';
import { postToken } from '../tokens/token-endpoint.js';
import type { FlowContext } from './flow.js';
import { startResetPassword, type ResetPasswordResult } from './reset-password-states.js';
import { startSignIn, type SignInResult } from './sign-in-states.js';
import { startSignUp, type SignUpInput, type SignUpResult } from './sign-up-states.js';

export interface NativeAuthConfig extends ClientConfig {
  /** The credentials this app's UI can collect: `password`, `oob` (email codes), in order of preference. */
  challengeTypes: ('password' | 'oob')[];
  /** Flows the app can continue; both by default (the SDK has states for them). */
  capabilities?: ('mfa_required' | 'registration_required')[];
}

/**
 * Sign-up, sign-in and password reset over Baton's native-auth API, as typed states:
 * every step returns the next state or a BatonSdkError (`result.kind === 'error'`, then
 * switch on `result.code`). A state stays usable after an error, for a retry.
 */
export class NativeAuthClient {
  private readonly ctx: FlowContext;
  private readonly slot: AccountSlot;

  constructor(config: NativeAuthConfig) {
    const base = createContext(config);
    this.slot = new AccountSlot(base);
    this.ctx = {
      ...base,
      challengeType: [...new Set([...config.challengeTypes, 'redirect'])].join(' '),
      capabilities: (config.capabilities ?? ['mfa_required', 'registration_required']).join(' '),
      openAccount: async (body) => {
        const cache = await TokenCache.save(base, recordFrom(body, base.platform.now()), null);
        await shareDeviceSso(base, body);
        return this.slot.set(new Account(base, cache));
      },
    };
  }

  signIn(input: { username: string; password?: string }): Promise<SignInResult> {
    return startSignIn(this.ctx, input.username, input.password);
  }

  signUp(input: SignUpInput): Promise<SignUpResult> {
    return startSignUp(this.ctx, input);
  }

  resetPassword(input: { username: string }): Promise<ResetPasswordResult> {
    return startResetPassword(this.ctx, input.username);
  }

  /** The signed-in account in the store, or null. Always the same object, so its refreshes are single-flight. */
  getAccount(): Promise<Account | null> {
    return this.slot.get();
  }

  /**
   * Signs in with a refresh token exported from another device (the parity path; see
   * `Account.exportRefreshToken`). The server accepts it only if the app allows export,
   * and audits it as `refresh_token.exported_use`.
   */
  async signInWithRefreshToken(refreshToken: string): Promise<Account> {
    const answer = await postToken(this.ctx, { grant_type: 'refresh_token', refresh_token: refreshToken });
    if (!answer.ok) {
      const error = errorFromAnswer(answer);
      throw error.serverError === 'invalid_grant'
        ? new BatonSdkError('session_ended', error.message, { serverError: 'invalid_grant', status: answer.status })
        : error;
    }
    return this.ctx.openAccount(answer.body);
  }

  /**
   * Native SSO: signs in with the sign-in of another app of this app's SSO group on this
   * device, from the shared-device store (`sharedDevice` in the configuration), without a
   * prompt. The new session is this app's own. `no_account` when no app of the group is
   * signed in here; `session_ended` when that sign-in has ended (revoked, signed out) or
   * belongs to another group; `interaction_required` when this app needs a second factor
   * the device's sign-in did not prove; `blocked_by_policy` as for any sign-in.
   */
  async signInWithDeviceSso(): Promise<Account> {
    const pair = await this.ctx.sharedDevice?.read();
    if (!pair)
      throw new BatonSdkError('no_account', 'No app of this SSO group is signed in on this device (or none is shared)');
    const answer = await postToken(this.ctx, deviceSsoExchangeParams(this.ctx, pair));
    if (!answer.ok) {
      const error = errorFromAnswer(answer);
      throw error.serverError === 'invalid_grant' && error.code !== 'blocked_by_policy'
        ? new BatonSdkError('session_ended', error.message, { serverError: 'invalid_grant', status: answer.status })
        : error;
    }
    return this.ctx.openAccount(answer.body);
  }
}
