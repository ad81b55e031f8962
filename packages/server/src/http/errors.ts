import { errorCatalog, type WireError } from '@baton/protocol';
import { BatonError } from '../core/errors.js';
import { MailUnavailable } from '../core/otp/code-delivery.js';
import { databaseUnavailable } from '../storage/database-unavailable.js';

/** The wire formats errors are written in: plain OAuth JSON, or Entra's native-auth JSON. */
export type WireFormat = 'oauth' | 'native-auth';

export interface WireErrorResponse {
  status: number;
  body: WireError & Record<string, unknown>;
  headers: Record<string, string>;
  /** True when the error was not meant for the caller and must be logged in full. */
  unexpected: boolean;
}

/** Seconds a client is asked to wait when the database does not answer. */
const unavailableRetryAfter = 5;

/**
 * The one place an error becomes a response. Domain errors keep their code and
 * description; framework errors about the request become `invalid_request`; a database
 * or mail server that does not answer is `temporarily_unavailable` (503, Retry-After); anything else is
 * `server_error` with no detail. The last two are logged in full.
 */
export function toWireError(
  error: unknown,
  format: WireFormat,
  correlationId: string,
  now = new Date(),
): WireErrorResponse {
  const known = asBatonError(error);
  const batonError =
    known ??
    (databaseUnavailable(error) || error instanceof MailUnavailable
      ? new BatonError(
          'temporarily_unavailable',
          'The service cannot reach a system it depends on right now; try again shortly',
          { retryAfter: unavailableRetryAfter },
        )
      : new BatonError('server_error', 'An unexpected error occurred; quote the correlation id when reporting it'));
  const { code, description, details } = batonError;
  // At a resource (OAuth format) a bad proof is an authentication failure (RFC 9449 §7.1); at the token endpoint, a bad request.
  const resourceDpopError = code === 'invalid_dpop_proof' && format === 'oauth';
  const status = (known && requestErrorStatus(error)) || (resourceDpopError ? 401 : errorCatalog[code].status);
  const headers: Record<string, string> = {};
  // A description may carry what the caller sent (a DPoP proof's htm): only printable ASCII goes into a header.
  const quoted = description.replace(/"/g, "'").replace(/[^\x20-\x7e]/g, '?');
  if (code === 'invalid_token')
    headers['www-authenticate'] = `Bearer error="invalid_token", error_description="${quoted}"`;
  if (resourceDpopError)
    headers['www-authenticate'] = `DPoP error="invalid_dpop_proof", error_description="${quoted}", algs="ES256 RS256"`;
  if (code === 'invalid_client') headers['www-authenticate'] = 'Basic realm="baton"';
  if (details.retryAfter !== undefined) headers['retry-after'] = String(details.retryAfter);

  if (format === 'oauth') {
    return {
      status,
      headers,
      unexpected: !known,
      body: { error: code, error_description: description, ...details.extra },
    };
  }
  const number = details.errorCodes?.[0];
  return {
    status,
    headers,
    unexpected: !known,
    body: {
      error: code,
      error_description: `${number !== undefined ? `AADSTS${number}: ` : ''}${description}. Trace ID: ${correlationId} Correlation ID: ${correlationId} Timestamp: ${now.toISOString()}`,
      error_codes: details.errorCodes ?? [],
      ...(details.suberror ? { suberror: details.suberror } : {}),
      ...(details.continuationToken ? { continuation_token: details.continuationToken } : {}),
      timestamp: now.toISOString(),
      trace_id: correlationId,
      correlation_id: correlationId,
      ...details.extra,
    },
  };
}

/** Fastify's own request errors (bad JSON, wrong media type, body too large) as domain errors. */
function asBatonError(error: unknown): BatonError | null {
  if (error instanceof BatonError) return error;
  const e = error as { code?: string; statusCode?: number; message?: string };
  // Node's word for a client that hung up before its body was complete: nothing went wrong here.
  if (e?.code === 'ECONNRESET' && e.message === 'aborted')
    return new BatonError('invalid_request', 'The client closed the connection before the request was complete');
  if (typeof e?.code !== 'string' || !e.code.startsWith('FST_')) return null;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new BatonError('invalid_request', 'The request body is too large');
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new BatonError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded');
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return new BatonError('invalid_request', 'The request body is not valid JSON');
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)
    return new BatonError('invalid_request', 'The request is malformed');
  return null;
}

function requestErrorStatus(error: unknown): number | undefined {
  const e = error as { code?: string };
  return e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413 : undefined;
}
