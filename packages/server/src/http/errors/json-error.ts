import { domainErrors, type WireError } from '@baton/protocol';
import type { BatonError, BatonErrorDetails } from '../../core/errors.js';

/**
 * What a JSON error body is written from: a domain code, the description for the caller,
 * and the details. A BatonError is one; so is a flow step as native auth answers it
 * (http/native-auth/flow-step.ts), which also carries the token the flow goes on with.
 */
export interface DomainAnswer extends Pick<BatonError, 'code' | 'description'> {
  details: BatonErrorDetails & { continuationToken?: string };
}

/** An error as either JSON format writes it. */
export interface JsonErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: WireError & Record<string, unknown>;
}

/**
 * The headers both JSON formats send with an error: the authentication challenge its OAuth
 * code calls for (RFC 6750 §3 for a token refused or lacking scope, `dpopChallenge` at a
 * resource that refused a DPoP proof) and Retry-After.
 */
export function errorHeaders(error: DomainAnswer, options: { dpopChallenge: boolean }): Record<string, string> {
  const { oauth } = domainErrors[error.code];
  const headers: Record<string, string> = {};
  // A description may carry what the caller sent (a DPoP proof's htm): only printable ASCII goes into a header.
  const quoted = error.description.replace(/"/g, "'").replace(/[^\x20-\x7e]/g, '?');
  if (oauth === 'invalid_token' || oauth === 'insufficient_scope')
    headers['www-authenticate'] = `Bearer error="${oauth}", error_description="${quoted}"`;
  if (options.dpopChallenge)
    headers['www-authenticate'] = `DPoP error="invalid_dpop_proof", error_description="${quoted}", algs="ES256 RS256"`;
  if (oauth === 'invalid_client') headers['www-authenticate'] = 'Basic realm="baton"';
  if (error.details.retryAfter !== undefined) headers['retry-after'] = String(error.details.retryAfter);
  return headers;
}

/** The body field listing the attributes a sign-up step refused or still needs, where the error has one. */
export function attributeFields(error: DomainAnswer): Record<string, unknown> {
  const field = domainErrors[error.code].attributesField;
  return field && error.details.attributes ? { [field]: error.details.attributes } : {};
}
