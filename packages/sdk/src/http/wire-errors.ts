import { entraErrorCodes } from '@baton/protocol';
import { BatonSdkError, type SdkErrorCode } from '../errors.js';
import type { Answer } from './form-client.js';

const passwordSuberrors = new Set([
  'password_too_weak',
  'password_too_short',
  'password_too_long',
  'password_recently_used',
  'password_banned',
  'password_is_invalid',
]);

const byError: Partial<Record<string, SdkErrorCode>> = {
  user_not_found: 'user_not_found',
  user_already_exists: 'user_already_exists',
  attributes_required: 'attributes_required',
  expired_token: 'expired',
  slow_down: 'rate_limited',
  unauthorized_client: 'unauthorized_client',
  invalid_target: 'invalid_target',
  interaction_required: 'interaction_required',
  access_denied: 'access_denied',
  not_found: 'not_found',
  insufficient_scope: 'insufficient_scope',
};

/** The SDK error for a server's error answer (see docs/errors.md for the wire side). */
export function errorFromAnswer(answer: Answer): BatonSdkError {
  const b = answer.body;
  const serverError = typeof b.error === 'string' ? b.error : 'server_error';
  const suberror = typeof b.suberror === 'string' ? b.suberror : undefined;
  const codes = Array.isArray(b.error_codes) ? b.error_codes : [];
  const description =
    typeof b.error_description === 'string'
      ? b.error_description
      : `The server answered ${answer.status} ${serverError}`;
  const attributes = attributeList(b.required_attributes) ?? attributeList(b.invalid_attributes);
  const details = {
    serverError,
    status: answer.status,
    ...(suberror ? { suberror } : {}),
    ...(attributes ? { attributes } : {}),
  };
  const code: SdkErrorCode =
    suberror === 'invalid_oob_value'
      ? 'invalid_code'
      : suberror && passwordSuberrors.has(suberror)
        ? 'password_too_weak'
        : suberror === 'attribute_validation_failed'
          ? 'invalid_attributes'
          : serverError === 'invalid_grant' && codes.includes(entraErrorCodes.badCredentials)
            ? 'invalid_password'
            : serverError === 'invalid_grant' && codes.includes(entraErrorCodes.blockedByConditionalAccess)
              ? 'blocked_by_policy'
              : (byError[serverError] ?? 'server_error');
  return new BatonSdkError(code, description, details);
}

/** A 2xx answer that sends the user to the web flow (Entra's `challenge_type: "redirect"`). */
export function redirectFrom(answer: Answer): BatonSdkError | null {
  if (!answer.ok || answer.body.challenge_type !== 'redirect') return null;
  const reason =
    typeof answer.body.redirect_reason === 'string'
      ? answer.body.redirect_reason
      : 'The server asks for the web sign-in flow';
  return new BatonSdkError('redirect_required', reason, { status: answer.status });
}

function attributeList(value: unknown): BatonSdkError['attributes'] {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.filter(
    (a): a is { name: string } =>
      typeof a === 'object' && a !== null && typeof (a as { name?: unknown }).name === 'string',
  );
}
