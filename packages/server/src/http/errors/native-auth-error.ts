import { domainErrors } from '@baton/protocol';
import { attributeFields, type DomainAnswer, errorHeaders, type JsonErrorResponse } from './json-error.js';

/**
 * Entra's native-auth JSON: the OAuth fields plus `error_codes` (AADSTS numbers, the first
 * also prefixing the description), `suberror`, `continuation_token` when the flow goes on,
 * and the trace, correlation and time stamps Entra's clients expect.
 */
export function nativeAuthErrorResponse(
  error: DomainAnswer,
  correlationId: string,
  now = new Date(),
): JsonErrorResponse {
  const wire = domainErrors[error.code];
  const { suberror, errorCodes } = wire.nativeAuth;
  const number = errorCodes[0];
  const timestamp = now.toISOString();
  return {
    status: wire.status,
    headers: errorHeaders(error, { dpopChallenge: false }),
    body: {
      error: wire.oauth,
      error_description: `${number !== undefined ? `AADSTS${number}: ` : ''}${error.description}. Trace ID: ${correlationId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [...errorCodes],
      ...(suberror ? { suberror } : {}),
      ...(error.details.continuationToken ? { continuation_token: error.details.continuationToken } : {}),
      timestamp,
      trace_id: correlationId,
      correlation_id: correlationId,
      ...attributeFields(error),
    },
  };
}
