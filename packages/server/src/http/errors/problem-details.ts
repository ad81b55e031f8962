import { domainErrors } from '@baton/protocol';
import type { BatonError, DomainErrorCode } from '../../core/errors.js';
import { errorHeaders } from './json-error.js';

/** Where each problem type is named: `${problemTypeBase}<domain code>`, one stable URI per domain error. */
export const problemTypeBase = 'https://baton.dev/problems/';

export const problemMediaType = 'application/problem+json';

/** A problem details object (RFC 9457 §3.1) with the correlation id as `instance`'s stand-in. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: DomainErrorCode;
  correlation_id: string;
  /** The request field refused, in the API's words (`display_name`, `theme.logo_url`), when the error names one. */
  field?: string;
}

/** Service settings whose API field is not simply their snake_case name. */
const renamedFields: Record<string, string> = {
  userAttributes: 'attributes',
  logoUrl: 'theme.logo_url',
  color: 'theme.color',
  sessionId: 'id',
};

/** A service setting (`details.setting`, camelCase) as the management API names the field. */
export const apiField = (setting: string): string =>
  renamedFields[setting] ?? setting.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** `user_not_found` as `User not found`: the same title for every occurrence of a type (RFC 9457 §3.1.3). */
const titleOf = (code: DomainErrorCode) => code.charAt(0).toUpperCase() + code.slice(1).replace(/_/g, ' ');

/**
 * The management API's errors: problem details whose `type` is the domain code under
 * https://baton.dev/problems/ and whose status the protocol's catalog gives
 * (`problemStatus`), with the authentication challenge and Retry-After the JSON formats send.
 */
export function problemResponse(error: BatonError, correlationId: string) {
  const status = domainErrors[error.code].problemStatus;
  const field = error.details.setting === undefined ? undefined : apiField(error.details.setting);
  const body: ProblemDetails = {
    type: `${problemTypeBase}${error.code}`,
    title: titleOf(error.code),
    status,
    // A description that already starts with where it points (a policy rule's `rules[0] ("x").when:`) is not prefixed twice.
    detail:
      field === undefined || error.description.startsWith(`${field}:`)
        ? error.description
        : `${field}: ${error.description}`,
    code: error.code,
    correlation_id: correlationId,
    ...(field === undefined ? {} : { field }),
  };
  return {
    status,
    headers: { ...errorHeaders(error, { dpopChallenge: false }), 'content-type': problemMediaType },
    body,
  };
}
