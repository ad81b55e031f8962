import { domainErrors, type ErrorCode } from '@baton/protocol';
import type { BatonError } from '../../core/errors.js';
import { attributeFields, errorHeaders, type JsonErrorResponse } from './json-error.js';

/** The OAuth `error` code of a domain error, for answers sent to a redirect URI. */
export const oauthCode = (error: BatonError): ErrorCode => domainErrors[error.code].oauth;

/** OAuth JSON (RFC 6749 §5.2): `error` and `error_description`. */
export function oauthErrorResponse(error: BatonError): JsonErrorResponse {
  const wire = domainErrors[error.code];
  // At a resource (OAuth format) a bad proof is an authentication failure (RFC 9449 §7.1); at the token endpoint, a bad request.
  const resourceDpopError = wire.oauth === 'invalid_dpop_proof';
  return {
    status: resourceDpopError ? 401 : wire.status,
    headers: errorHeaders(error, { dpopChallenge: resourceDpopError }),
    body: { error: wire.oauth, error_description: error.description, ...attributeFields(error) },
  };
}
