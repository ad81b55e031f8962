import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs on stderr (stdout is for command output), one line per request
 * with its correlation id. Credentials never reach a log line: a request is logged as its
 * method and URL only (no headers, no body), with the values of query parameters masked
 * unless they are known to be harmless. `destination` replaces stderr (tests read the lines).
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      serializers: {
        req: (req: { method: string; url: string; headers?: Record<string, unknown> }) => ({
          method: req.method,
          url: maskQuery(req.url),
        }),
      },
    },
    destination,
  );
}

/**
 * Query parameters whose values may be logged: they name the client and shape the request.
 * Every other value is masked, so a parameter added later (or one a client invents: an
 * `id_token_hint`, a `code_verifier`, a login hint) stays out of the log until someone
 * decides it is harmless.
 */
const loggableParams = new Set([
  'client_id',
  'response_type',
  'response_mode',
  'scope',
  'prompt',
  'max_age',
  'redirect_uri',
  'post_logout_redirect_uri',
  'code_challenge_method',
  'grant_type',
  'token_type_hint',
  'subject_token_type',
  'requested_token_type',
  'audience',
  'ui_locales',
  'client-request-id',
  'error',
]);

export function maskQuery(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const pairs = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      // A bare value (`?abc`) names nothing known to be harmless either.
      if (equals === -1) return pair === '' ? pair : '[redacted]';
      return loggableParams.has(pair.slice(0, equals).toLowerCase()) ? pair : `${pair.slice(0, equals)}=[redacted]`;
    });
  return `${url.slice(0, start + 1)}${pairs.join('&')}`;
}
