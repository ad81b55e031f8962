import { DatabaseUnavailable } from '../../core/database-unavailable.js';
import { BatonError } from '../../core/errors.js';
import { MailUnavailable, SmsUnavailable } from '../../core/otp/code-delivery.js';

/** Seconds a client is asked to wait when a system Baton depends on does not answer. */
const unavailableRetryAfter = 5;

/** An error on its way to the caller, as the domain names it. */
export interface Refusal {
  error: BatonError;
  /** True when the error was not meant for the caller and must be logged in full. */
  unexpected: boolean;
}

/**
 * Any error as a domain error. Domain errors stay as they are; the framework's errors about
 * the request become `unreadable_request` (or `request_too_large`); a database, mail
 * server or SMS gateway that does not answer is `service_unavailable` with a Retry-After; anything else is
 * `internal_error` with no detail. The last two were not meant for the caller.
 */
export function asDomainError(error: unknown): Refusal {
  if (error instanceof BatonError) return { error, unexpected: false };
  const refused = requestError(error);
  if (refused) return { error: refused, unexpected: false };
  if (error instanceof DatabaseUnavailable || error instanceof MailUnavailable || error instanceof SmsUnavailable) {
    return {
      error: new BatonError(
        'service_unavailable',
        'The service cannot reach a system it depends on right now; try again shortly',
        { retryAfter: unavailableRetryAfter },
      ),
      unexpected: true,
    };
  }
  return {
    error: new BatonError('internal_error', 'An unexpected error occurred; quote the correlation id when reporting it'),
    unexpected: true,
  };
}

/** Fastify's own request errors (bad JSON, wrong media type, body too large) and a client that hung up. */
function requestError(error: unknown): BatonError | null {
  const raised = error as { code?: string; statusCode?: number; message?: string } | null;
  // Node's word for a client that hung up before its body was complete: nothing went wrong here.
  if (raised?.code === 'ECONNRESET' && raised.message === 'aborted')
    return new BatonError('unreadable_request', 'The client closed the connection before the request was complete');
  if (typeof raised?.code !== 'string' || !raised.code.startsWith('FST_')) return null;
  if (raised.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new BatonError('request_too_large', 'The request body is too large');
  if (raised.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new BatonError('unreadable_request', 'Send the parameters as application/x-www-form-urlencoded');
  // A schema's refusal names the field and the rule it broke (`body/limit must be <= 100`), never a value sent.
  if (raised.code === 'FST_ERR_VALIDATION')
    return new BatonError('malformed_request', raised.message ?? 'Invalid request');
  if (raised.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || raised.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return new BatonError('unreadable_request', 'The request body is not valid JSON');
  if (raised.statusCode !== undefined && raised.statusCode >= 400 && raised.statusCode < 500)
    return new BatonError('unreadable_request', 'The request is malformed');
  return null;
}
