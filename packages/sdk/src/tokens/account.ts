import type { SdkContext } from '../context.js';
import { BatonSdkError } from '../errors.js';
import { errorFromAnswer } from '../http/wire-errors.js';
import type { Transport } from '../transport/transport.js';
import { handOff, type HandOffOptions, type HandOffResult } from '../handoff/phone.js';
import { webViewUrl, type WebViewAuthorizeParams } from '../handoff/web-view.js';
import { AccountApi, type DeviceSession, type SignedOutElsewhere, type SignInRecord } from './account-api.js';
import type { AccountClaims } from './session-record.js';
import type { TokenCache } from './token-cache.js';
import { requestSessionTransfer, type SessionTransferSource, type SessionTransferToken } from './session-transfer.js';

export interface SignOutOptions {
  /**
   * Also end the session on the server (RFC 7009 revocation of the refresh token), which
   * ends its companions' sessions too. Without it only this device forgets the tokens.
   */
  revoke?: boolean;
}

/** What `approveDevice` decided, and for which app on which device. */
export interface DeviceDecision {
  approved: boolean;
  clientId: string;
  app: string;
  device: { name: string; platform: string };
}

/** A signed-in user on this device: tokens on demand, authorized requests, export, handoff, sign-out. */
export class Account implements SessionTransferSource {
  private readonly accountApi: AccountApi;

  constructor(
    private readonly ctx: SdkContext,
    private readonly cache: TokenCache,
  ) {
    this.accountApi = new AccountApi(ctx, (method, url, forceRefresh) => this.authorization(method, url, forceRefresh));
  }

  get claims(): AccountClaims {
    return this.cache.claims;
  }

  get username(): string {
    return this.claims.username;
  }

  get idToken(): string {
    return this.cache.record.idToken;
  }

  /** True once signed out on this device or ended by the server: sign in again. */
  get signedOut(): boolean {
    return this.cache.ended;
  }

  /** False once this session has left the store: signed out, or replaced, in another window. */
  stillStored(): Promise<boolean> {
    return this.cache.stillStored();
  }

  /** True when the session's tokens are bound to this device's DPoP key (companions). */
  get dpopBound(): boolean {
    return this.cache.record.dpopBound;
  }

  /**
   * A valid access token: the cached one while fresh, else a silent refresh (one at a
   * time). Throws `session_ended` when the server has ended the session, `network` when
   * it cannot be reached (the session is kept; try again later).
   */
  getAccessToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    return this.cache.accessToken(options.forceRefresh);
  }

  /** `fetch` with the access token: `Authorization: DPoP` plus a proof for a bound session, else `Bearer`. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(await this.authorization(init.method ?? 'GET', url)))
      headers.set(name, value);
    return this.ctx.platform.fetch(url, { ...init, headers });
  }

  /**
   * Approves (or, with `approve: false`, denies) the device showing `userCode` (a TV, a
   * car: the device authorization grant) as this account. The device's session becomes a
   * child of this one: it ends when this one does. The app must be registered with
   * `--allow-session-transfer`. A code that names no waiting device is `server_error`
   * with `serverError: 'invalid_grant'`; too many such guesses are `rate_limited`.
   */
  async approveDevice(userCode: string, options: { approve?: boolean } = {}): Promise<DeviceDecision> {
    const path = 'oauth2/v2.0/devicecode/approve';
    const answer = await this.ctx.http.post(
      path,
      { user_code: userCode, decision: options.approve === false ? 'deny' : 'approve' },
      await this.authorization('POST', this.ctx.http.url(path)),
    );
    if (!answer.ok) throw errorFromAnswer(answer);
    const device = (answer.body.device ?? {}) as { name?: unknown; platform?: unknown };
    return {
      approved: answer.body.decision === 'approve',
      clientId: String(answer.body.client_id),
      app: String(answer.body.app),
      device: { name: String(device.name), platform: String(device.platform) },
    };
  }

  /**
   * The user's device graph: every session of this user (other phones, this phone's watch
   * and web views, oldest first), `current` on this one. Needs the scope `baton.account`
   * (add it to `scopes`); without it `insufficient_scope`.
   */
  devices(): Promise<DeviceSession[]> {
    return this.accountApi.devices();
  }

  /**
   * Ends one of the user's sessions and every session handed off from it (a lost watch and
   * its web views); returns the ids ended. Another user's session, or one that does not
   * exist, is `not_found`.
   */
  revoke(sessionId: string): Promise<string[]> {
    return this.accountApi.revoke(sessionId);
  }

  /**
   * Signs the user out everywhere but this device: this device's sessions, the sessions
   * they hang on and the ones they handed off to stay; every other one ends.
   */
  revokeOthers(): Promise<SignedOutElsewhere> {
    return this.accountApi.revokeOthers();
  }

  /** The user's recent sign-ins, newest first (20 unless `limit` says, at most 100). */
  activity(limit?: number): Promise<SignInRecord[]> {
    return this.accountApi.activity(limit);
  }

  /** The Authorization (and, for a bound session, DPoP) headers of a request to a resource. */
  private async authorization(method: string, url: string, forceRefresh = false): Promise<Record<string, string>> {
    const token = await this.getAccessToken({ forceRefresh });
    if (!this.cache.dpop) return { authorization: `Bearer ${token}` };
    return { authorization: `DPoP ${token}`, dpop: await this.cache.dpop.proof({ method, url, accessToken: token }) };
  }

  /**
   * The raw refresh token, for apps that must copy it to another device themselves
   * (parity with MSAL's opt-in). Refused unless the SDK is configured with
   * `allowRefreshTokenExport: true` AND the app is registered with
   * `--allow-refresh-token-export`. The server records `refresh_token.exported_use` when
   * another installation uses it. Encrypt it for the receiving device, send it over an
   * authenticated channel, keep it in secure storage there, and revoke the session when
   * the device is lost. Prefer `handOff()`, which moves no long-lived credential.
   */
  exportRefreshToken(): string {
    const record = this.cache.record;
    if (!this.ctx.config.allowRefreshTokenExport) {
      throw new BatonSdkError(
        'export_disabled',
        'Refresh-token export is off in this SDK configuration (set allowRefreshTokenExport: true to opt in; prefer account.handOff())',
      );
    }
    if (record.dpopBound)
      throw new BatonSdkError(
        'export_not_allowed',
        "This session is bound to this device's DPoP key; its refresh token is useless elsewhere",
      );
    if (!record.refreshTokenExport) {
      throw new BatonSdkError(
        'export_not_allowed',
        'The app registration does not allow refresh-token export (baton app create --allow-refresh-token-export)',
      );
    }
    return record.refreshToken;
  }

  /**
   * A single-use, 60-second session transfer token for the app `audience` (RFC 8693
   * token exchange). The phone's refresh token is presented but neither consumed nor rotated.
   */
  requestSessionTransfer(audience: string): Promise<SessionTransferToken> {
    return requestSessionTransfer(this.ctx, this.cache, audience);
  }

  /** Brokered handoff to a companion waiting on `transport` (see docs/handoff-protocol.md). */
  handOff(transport: Transport, options: HandOffOptions): Promise<HandOffResult> {
    return handOff(this, this.ctx, transport, options);
  }

  /**
   * The URL to open in an embedded web view showing the web app `webClientId` (registered
   * with --accept-session-transfer): Baton's authorization endpoint with the web app's own
   * `authorizeParams` (redirect_uri, PKCE challenge, state, nonce) and a fresh session
   * transfer token, so the view lands signed in with no prompt, in a session below this
   * one that ends when this one does.
   *
   * The URL signs in whoever opens it first: open it once, immediately (the token lives
   * 60 s and works once), and never log it, store it or send it anywhere else.
   */
  getWebViewUrl(webClientId: string, authorizeParams: WebViewAuthorizeParams): Promise<string> {
    return webViewUrl(this, this.ctx, webClientId, authorizeParams);
  }

  /**
   * Signs out on this device. With `revoke`, first ends the session on the server; the
   * local tokens are forgotten even when that request fails, and the failure is thrown.
   */
  async signOut(options: SignOutOptions = {}): Promise<void> {
    const record = this.cache.record;
    const revoked = options.revoke
      ? this.ctx.http.post('oauth2/v2.0/revoke', { token: record.refreshToken, token_type_hint: 'refresh_token' })
      : null;
    const answer = await revoked?.catch((error: unknown) => error as BatonSdkError);
    await this.cache.forget();
    if (answer instanceof BatonSdkError) throw answer;
    if (answer && !answer.ok) throw errorFromAnswer(answer);
    // Revoking ends every app's session on a Native SSO device: the shared pair is of no use to the group now.
    if (answer) await this.ctx.sharedDevice?.clear();
  }
}
