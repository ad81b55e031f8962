import type { Suberror } from '@baton/protocol';

/**
 * Every error the SDK hands to an app, keyed on `code` so the app can `switch` on it.
 * Flow steps return these (they are values, not exceptions, so a wrong code is an
 * ordinary outcome); token and handoff calls throw them.
 */
export type SdkErrorCode =
  /** Wrong password for this account. */
  | 'invalid_password'
  /** Wrong one-time code (or a code of the wrong length). */
  | 'invalid_code'
  | 'user_not_found'
  | 'user_already_exists'
  /** The server's password policy refused the password; `suberror` says why. */
  | 'password_too_weak'
  /** Attribute values the server refused; `attributes` names them. */
  | 'invalid_attributes'
  /** Attributes still missing after they were submitted; `attributes` names them. */
  | 'attributes_required'
  /** The server wants the browser (web) flow: none of the configured challenge types can continue. */
  | 'redirect_required'
  /** The flow took too long (continuation token expired); start again. */
  | 'expired'
  /** Too many attempts; wait before trying again. */
  | 'rate_limited'
  /** The server could not be reached, or did not answer with JSON. */
  | 'network'
  /** The server answered something the SDK does not understand. */
  | 'invalid_response'
  /** There is no signed-in account in the store. */
  | 'no_account'
  /** The session is over (revoked, expired, refresh token reused): sign in again. */
  | 'session_ended'
  /**
   * The tenant's conditional-access policy refuses this request now (Entra's 53003). The
   * session is kept: the same account may be let through later (another network, a policy
   * changed), so the app says so and offers to try again rather than signing out.
   */
  | 'blocked_by_policy'
  /**
   * The tenant's policy asks for a second factor this session was signed in without
   * (`interaction_required`, 50076): sign the user in again, with MFA. The session is kept
   * until that sign-in replaces it.
   */
  | 'interaction_required'
  /** `exportRefreshToken()` with `allowRefreshTokenExport` off in the SDK configuration. */
  | 'export_disabled'
  /** `exportRefreshToken()` for an app registered without `--allow-refresh-token-export`. */
  | 'export_not_allowed'
  /** The app may not do this (e.g. session transfer without `--allow-session-transfer`). */
  | 'unauthorized_client'
  /** The handoff's audience does not accept session transfers, or is unknown. */
  | 'invalid_target'
  /** A handoff message could not be read, decrypted or matched to this pairing. */
  | 'handoff_failed'
  /** No answer in time (pairing, handoff). */
  | 'timeout'
  /** The person said no: they denied a device's sign-in (`access_denied`). */
  | 'access_denied'
  /** The account API knows no session of this user with that id (another user's is answered the same). */
  | 'not_found'
  /** The access token lacks a scope the request needs: the account API's `baton.account` (add it to `scopes`). */
  | 'insufficient_scope'
  /** The app stopped what it had started (a device sign-in's polling, through its AbortSignal). */
  | 'cancelled'
  /** Any other error the server returned; `serverError` holds its `error`. */
  | 'server_error';

export interface SdkErrorDetails {
  /** The server's `error`, when the error came from the server. */
  serverError?: string;
  suberror?: Suberror | string;
  /** HTTP status, when there was a response. */
  status?: number;
  /** Names of the attributes refused or missing. */
  attributes?: { name: string; type?: string; required?: boolean }[];
  cause?: unknown;
}

export class BatonSdkError extends Error {
  /** Lets a flow result be told apart from a state with `result.kind === 'error'`. */
  readonly kind = 'error' as const;
  override readonly name = 'BatonSdkError';
  readonly serverError: string | undefined;
  readonly suberror: string | undefined;
  readonly status: number | undefined;
  readonly attributes: SdkErrorDetails['attributes'];

  constructor(
    readonly code: SdkErrorCode,
    message: string,
    details: SdkErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.serverError = details.serverError;
    this.suberror = details.suberror;
    this.status = details.status;
    this.attributes = details.attributes;
  }
}

export function isSdkError(value: unknown): value is BatonSdkError {
  return value instanceof BatonSdkError;
}
