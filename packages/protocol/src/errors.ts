/**
 * The error catalog: every error code Baton puts on the wire, with its HTTP status and
 * whether its description may be shown to the caller. Server and SDK share it, so a
 * client can switch on `code` exhaustively.
 */
export const errorCatalog = {
  invalid_request: {
    status: 400,
    description: 'The request is missing a parameter, has an invalid value or is otherwise malformed.',
  },
  invalid_client: {
    status: 401,
    description: 'Client authentication failed: unknown client, wrong secret or unsupported authentication method.',
  },
  invalid_grant: {
    status: 400,
    description: 'The grant or token presented is invalid, expired, revoked or was issued to another client.',
  },
  unauthorized_client: { status: 400, description: 'The client is not allowed to use this grant or feature.' },
  unsupported_response_type: {
    status: 400,
    description: 'The authorization endpoint supports only response_type=code.',
  },
  login_required: { status: 400, description: 'prompt=none was asked but the user is not signed in.' },
  interaction_required: {
    status: 400,
    description: 'The user must sign in again, with a second factor, before this session can go on.',
  },
  account_selection_required: {
    status: 400,
    description: 'prompt=none was asked but the browser is signed in as another user than the one the request carries.',
  },
  unsupported_grant_type: { status: 400, description: 'The grant type is not supported by this server.' },
  invalid_scope: { status: 400, description: 'The requested scope is invalid or exceeds what was granted.' },
  invalid_target: { status: 400, description: 'The requested audience or resource is not acceptable.' },
  unsupported_token_type: { status: 400, description: 'The server does not support revoking this token type.' },
  invalid_dpop_proof: {
    status: 400,
    description: 'The DPoP proof is missing, malformed, replayed, or for another key, method or URL.',
  },
  invalid_token: { status: 401, description: 'The access token is missing, malformed, expired or revoked.' },
  insufficient_scope: { status: 403, description: 'The access token lacks the scope this resource requires.' },
  invalid_tenant: { status: 404, description: 'No tenant with this name exists.' },
  not_found: { status: 404, description: 'No such endpoint, or no such resource at it.' },
  method_not_allowed: {
    status: 405,
    description: 'The endpoint does not take this HTTP method; the Allow header lists those it takes.',
  },
  user_not_found: { status: 400, description: 'No account matches the username.' },
  expired_token: { status: 400, description: 'The continuation token or device code has expired.' },
  authorization_pending: {
    status: 400,
    description: 'The user has not yet approved or denied the device; poll again after the interval.',
  },
  unsupported_challenge_type: { status: 400, description: 'None of the challenge types offered can be used.' },
  credential_required: { status: 400, description: 'A credential is required to continue.' },
  attributes_required: { status: 400, description: 'Required attributes are missing.' },
  user_already_exists: { status: 400, description: 'An account with this username already exists.' },
  access_denied: { status: 403, description: 'The request was denied.' },
  slow_down: { status: 429, description: 'Too many attempts; wait before trying again.' },
  server_error: { status: 500, description: 'The server met an unexpected condition.' },
  temporarily_unavailable: { status: 503, description: 'The server is temporarily unable to handle the request.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof errorCatalog;

/** Native-auth suberrors that steer Microsoft's client (see docs/errors.md). */
export const suberrors = [
  'invalid_oob_value',
  'password_too_weak',
  'password_too_short',
  'password_too_long',
  'password_recently_used',
  'password_banned',
  'password_is_invalid',
  'attribute_validation_failed',
  'mfa_required',
  'registration_required',
  'provider_blocked_by_rep',
] as const;

export type Suberror = (typeof suberrors)[number];

/**
 * AADSTS-style numbers Entra pairs with its errors; MSAL branches on some of them
 * (50126 wrong password, 55103 password required, 90100 invalid username).
 */
export const entraErrorCodes = {
  userNotFound: 50034,
  badCredentials: 50126,
  credentialRequired: 55103,
  attributesRequired: 55106,
  userExists: 1003037,
  passwordTooWeak: 399246,
  expiredContinuationToken: 552003,
  invalidContinuationToken: 55200,
  invalidUsername: 90100,
  tenantNotFound: 90002,
  clientNotFound: 700016,
  strongAuthRequired: 50076,
  blockedByConditionalAccess: 53003,
  strongAuthRegistrationRequired: 50079,
  accountLocked: 50053,
  invalidOobValue: 50181,
  methodNotAllowed: 900561,
  missingRedirectChallenge: 901007,
  invalidInput: 901001,
} as const;

/** The JSON body of every error Baton returns over the OAuth and native-auth APIs. */
export interface WireError {
  error: ErrorCode;
  error_description: string;
  error_codes?: number[];
  suberror?: Suberror;
  continuation_token?: string;
  timestamp?: string;
  trace_id?: string;
  correlation_id?: string;
}
