import { domainErrors } from '@baton/protocol';
import { type DomainAnswer, errorHeaders, type JsonErrorResponse } from './json-error.js';

/**
 * Native auth V2's nested error, as MSAL's ErrorNormalizerV2 reads it:
 * `{error: {code, message, innerError: {code, details}, correlationId, traceId, timestamp}}`.
 * The codes come from the catalog (`nativeAuthV2`); refused attributes are the inner
 * error's details, one `attributeValidationFailed` entry naming them.
 */
export function nativeAuthV2ErrorResponse(
  error: DomainAnswer,
  correlationId: string,
  now = new Date(),
): Omit<JsonErrorResponse, 'body'> & { body: { error: Record<string, unknown> } } {
  const wire = domainErrors[error.code];
  const { code, innerError } = wire.nativeAuthV2;
  const attributes = error.details.attributes;
  const details = attributes?.length
    ? [{ code: 'attributeValidationFailed', attributeIds: attributes.map((a) => a.name), message: error.description }]
    : undefined;
  return {
    status: wire.status,
    headers: errorHeaders(error, { dpopChallenge: false }),
    body: {
      error: {
        code,
        message: error.description,
        ...(innerError ? { innerError: { code: innerError, ...(details ? { details } : {}) } } : {}),
        correlationId,
        traceId: correlationId,
        timestamp: now.toISOString(),
      },
    },
  };
}
