import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs on stderr (stdout is for command output), one line per request
 * with its correlation id. Credentials never reach a log line: a request is logged as its
 * method and URL only (no headers, no body), and query parameters that could hold a secret
 * are masked. `destination` replaces stderr (tests read the lines).
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({
    level,
    serializers: {
      req: (req: { method: string; url: string; headers?: Record<string, unknown> }) => ({ method: req.method, url: maskQuery(req.url) }),
    },
  }, destination);
}

const secretParams = /([?&](?:code|session_transfer_token|refresh_token|access_token|id_token|token|client_secret|password|continuation_token)=)[^&]*/gi;

export function maskQuery(url: string): string {
  return url.includes('?') ? url.replace(secretParams, '$1[redacted]') : url;
}
