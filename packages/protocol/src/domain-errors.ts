import { entraErrorCodes, errorCatalog, type ErrorCode, type Suberror } from './errors.js';

/** How one domain error goes on the wire: its OAuth code and status, and Entra's native-auth extras. */
export interface DomainErrorWire {
  /** The OAuth `error` (errorCatalog); native-auth answers with the same code. */
  oauth: ErrorCode;
  /** The HTTP status: the OAuth code's, unless the domain error says more (413 for a body too large). */
  status: number;
  nativeAuth: {
    suberror?: Suberror;
    /** AADSTS numbers; the first also prefixes the description (`AADSTS50126: ...`). */
    errorCodes: readonly number[];
  };
  /**
   * Native auth V2's nested error (`{error: {code, message, innerError: {code}}}`): the
   * OAuth code in camelCase unless the error says otherwise, and the inner code MSAL's
   * checks read (`invalidUserNameOrPassword`, `invalidOneTimeCode`, `userNotFound`, ...).
   */
  nativeAuthV2: { code: string; innerError?: string };
  /** The body field, in both JSON formats, that lists the error's `attributes`. */
  attributesField?: 'invalid_attributes' | 'required_attributes';
  /**
   * The status of the management API's problem details (RFC 9457), whose `type` is
   * `https://baton.dev/problems/<domain code>`: the OAuth status, unless a resource API
   * says more (404 for something that does not exist, 409 for a conflict).
   */
  problemStatus: number;
}

/** `invalid_grant` as native auth V2 spells it: `invalidGrant`. */
const camelCase = (code: string) => code.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

function wire(
  oauth: ErrorCode,
  nativeAuth: { suberror?: Suberror; errorCodes?: readonly number[] } = {},
  extra: {
    status?: number;
    problemStatus?: number;
    attributesField?: DomainErrorWire['attributesField'];
    v2?: { code?: string; innerError?: string };
  } = {},
): DomainErrorWire {
  const status = extra.status ?? errorCatalog[oauth].status;
  return {
    oauth,
    status,
    nativeAuth: { errorCodes: [], ...nativeAuth },
    nativeAuthV2: {
      code: extra.v2?.code ?? camelCase(oauth),
      ...(extra.v2?.innerError ? { innerError: extra.v2.innerError } : {}),
    },
    ...(extra.attributesField ? { attributesField: extra.attributesField } : {}),
    problemStatus: extra.problemStatus ?? status,
  };
}

const notFound = { problemStatus: 404 };
const conflict = { problemStatus: 409 };

const continuationRefused = wire(
  'invalid_grant',
  { errorCodes: [entraErrorCodes.invalidContinuationToken] },
  { v2: { innerError: 'invalidContinuationToken' } },
);
const invalidInput = wire('invalid_request', { errorCodes: [entraErrorCodes.invalidInput] });
/** A password the policy refuses: V1 says invalid_grant with a suberror, V2 invalidRequest with MSAL's inner code. */
const weakPassword = (suberror: Suberror, innerError: string) =>
  wire(
    'invalid_grant',
    { suberror, errorCodes: [entraErrorCodes.passwordTooWeak] },
    { v2: { code: 'invalidRequest', innerError } },
  );

/**
 * The domain's error codes, each saying what happened, and how every wire format renders
 * it. The server's domain throws these (`BatonError.code`); the wire adapters look up the
 * OAuth code, status, suberror and AADSTS numbers here, so nothing else chooses them.
 */
export const domainErrors = {
  // The request itself
  malformed_request: wire('invalid_request'),
  unreadable_request: wire('invalid_request'),
  request_too_large: wire('invalid_request', {}, { status: 413 }),
  headers_too_large: wire('invalid_request', {}, { status: 431 }),
  request_timeout: wire('invalid_request', {}, { status: 408 }),
  endpoint_not_found: wire('not_found'),
  method_not_allowed: wire('method_not_allowed', { errorCodes: [entraErrorCodes.methodNotAllowed] }),
  unknown_tenant: wire('invalid_tenant', { errorCodes: [entraErrorCodes.tenantNotFound] }),

  // Administration (tenants, apps, sessions from the CLI and the management API)
  invalid_setting: wire('invalid_request'),
  invalid_policy: wire('invalid_request'),
  tenant_exists: wire('invalid_request', {}, conflict),
  // Not found at every wire: the account API answers another user's session exactly as an unknown one.
  session_not_found: wire('not_found'),
  admin_credentials_required: wire('invalid_token'),
  admin_access_denied: wire('access_denied'),

  // Clients
  unknown_client: wire('invalid_client', { errorCodes: [entraErrorCodes.clientNotFound] }, notFound),
  client_authentication_failed: wire('invalid_client'),
  grant_not_allowed: wire('unauthorized_client'),
  transfer_not_allowed: wire('unauthorized_client'),
  invalid_transfer_audience: wire('invalid_target'),
  origin_not_allowed: wire('access_denied'),
  untrusted_form: wire('access_denied'),
  unregistered_redirect_uri: wire('invalid_request'),
  token_of_another_client: wire('invalid_request'),

  // The authorization endpoint, when prompt=none forbids asking the person
  login_required: wire('login_required'),
  account_selection_required: wire('account_selection_required'),

  // Grants and tokens
  unsupported_grant_type: wire('unsupported_grant_type'),
  unsupported_response_type: wire('unsupported_response_type'),
  invalid_authorization_code: wire('invalid_grant'),
  authorization_code_reused: wire('invalid_grant'),
  invalid_refresh_token: wire('invalid_grant'),
  refresh_token_reused: wire('invalid_grant'),
  dpop_binding_mismatch: wire('invalid_grant'),
  invalid_transfer_token: wire('invalid_grant'),
  session_ended: wire('invalid_grant'),
  session_lacks_mfa: wire('invalid_grant'),
  // Native SSO (core/device-sso): the ID token and device secret do not sign this app in
  native_sso_refused: wire('invalid_grant'),
  // The device authorization grant (RFC 8628): what a polling device and an approving user are told.
  // The polling answers are 400 as RFC 8628 §3.5 has them, whatever status the codes carry elsewhere.
  device_code_not_allowed: wire('unauthorized_client'),
  invalid_device_code: wire('invalid_grant'),
  authorization_pending: wire('authorization_pending'),
  polling_too_fast: wire('slow_down', {}, { status: 400 }),
  device_denied: wire('access_denied', {}, { status: 400 }),
  device_code_expired: wire('expired_token'),
  invalid_user_code: wire('invalid_grant'),
  // Conditional access (core/policy): what the tenant's policy decided at a refresh, a handoff or a web sign-in
  policy_blocked: wire('invalid_grant', { errorCodes: [entraErrorCodes.blockedByConditionalAccess] }),
  policy_requires_mfa: wire('interaction_required', { errorCodes: [entraErrorCodes.strongAuthRequired] }),
  malformed_scope: wire('invalid_scope'),
  scope_not_registered: wire('invalid_scope'),
  scope_not_granted: wire('invalid_scope'),
  invalid_access_token: wire('invalid_token'),
  insufficient_scope: wire('insufficient_scope'),
  invalid_dpop_proof: wire('invalid_dpop_proof'),

  // Native-auth flows
  invalid_continuation_token: continuationRefused,
  step_out_of_order: continuationRefused,
  continuation_expired: wire(
    'expired_token',
    { errorCodes: [entraErrorCodes.expiredContinuationToken] },
    { v2: { innerError: 'expiredContinuationToken' } },
  ),
  invalid_username: wire('invalid_request', { errorCodes: [entraErrorCodes.invalidUsername] }),
  user_not_found: wire(
    'user_not_found',
    { errorCodes: [entraErrorCodes.userNotFound] },
    { ...notFound, v2: { code: 'invalidRequest', innerError: 'userNotFound' } },
  ),
  user_already_exists: wire(
    'user_already_exists',
    { errorCodes: [entraErrorCodes.userExists] },
    { ...conflict, v2: { code: 'invalidRequest', innerError: 'userAlreadyExists' } },
  ),
  wrong_password: wire(
    'invalid_grant',
    { errorCodes: [entraErrorCodes.badCredentials] },
    { v2: { innerError: 'invalidUserNameOrPassword' } },
  ),
  account_locked: wire(
    'invalid_grant',
    { errorCodes: [entraErrorCodes.accountLocked] },
    { v2: { innerError: 'userLocked' } },
  ),
  invalid_code: wire(
    'invalid_grant',
    { suberror: 'invalid_oob_value', errorCodes: [entraErrorCodes.invalidOobValue] },
    { v2: { innerError: 'invalidOneTimeCode' } },
  ),
  password_blank: weakPassword('password_is_invalid', 'passwordIsInvalid'),
  password_too_short: weakPassword('password_too_short', 'passwordTooShort'),
  password_too_long: weakPassword('password_too_long', 'passwordTooLong'),
  password_reused: weakPassword('password_recently_used', 'passwordRecentlyUsed'),
  password_banned: weakPassword('password_banned', 'passwordBanned'),
  invalid_attributes: wire(
    'invalid_grant',
    { suberror: 'attribute_validation_failed' },
    { attributesField: 'invalid_attributes', v2: { code: 'invalidRequest', innerError: 'attributeValidationError' } },
  ),
  no_usable_challenge_type: wire('unsupported_challenge_type', {
    errorCodes: [entraErrorCodes.missingRedirectChallenge],
  }),
  unsupported_method_type: wire('unsupported_challenge_type'),
  unknown_method: invalidInput,
  unsupported_channel: invalidInput,
  method_target_not_allowed: invalidInput,
  invalid_method_target: invalidInput,
  // The steps a flow stops at for the client to go on: the flows return them as values (core/flows/steps.ts
  // FlowStep), and native auth answers them as these errors, which is how Entra's clients expect them.
  mfa_required: wire('invalid_grant', { suberror: 'mfa_required', errorCodes: [entraErrorCodes.strongAuthRequired] }),
  registration_required: wire('invalid_grant', {
    suberror: 'registration_required',
    errorCodes: [entraErrorCodes.strongAuthRegistrationRequired],
  }),
  credential_required: wire('credential_required', { errorCodes: [entraErrorCodes.credentialRequired] }),
  attributes_required: wire(
    'attributes_required',
    { errorCodes: [entraErrorCodes.attributesRequired] },
    { attributesField: 'required_attributes' },
  ),

  // Load and outages
  too_many_attempts: wire('slow_down'),
  service_busy: wire('temporarily_unavailable'),
  service_unavailable: wire('temporarily_unavailable'),
  internal_error: wire('server_error'),
} satisfies Record<string, DomainErrorWire>;

/** What can go wrong, as the domain says it: a caller can switch on it exhaustively. */
export type DomainErrorCode = keyof typeof domainErrors;
