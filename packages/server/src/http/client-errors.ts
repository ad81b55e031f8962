import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { BatonError } from '../core/errors.js';
import { oauthErrorResponse } from './errors/oauth-error.js';

/** What Node's HTTP parser refuses before any route runs. */
function refusalOf(code: string | undefined): BatonError {
  if (code === 'HPE_HEADER_OVERFLOW')
    return new BatonError('headers_too_large', 'The request line or headers are too large');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new BatonError('request_timeout', 'The request took too long to arrive');
  return new BatonError('unreadable_request', 'The request is not valid HTTP/1.1');
}

/**
 * Fastify's `clientErrorHandler`: a request Node could not parse (an unknown method, bad
 * framing, a control byte in a header, headers over 16 KB, a body too slow to arrive)
 * gets `invalid_request` (or 408/431) in the OAuth shape rather than Fastify's own, and the
 * connection is closed, since whatever followed on it cannot be trusted.
 */
export function answerClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal = refusalOf(error.code);
  const { status, body: wireBody } = oauthErrorResponse(refusal);
  // No route ran, so no request line was logged: this is the only trace of the refusal.
  this.log.info(
    {
      status,
      error: wireBody.error,
      description: refusal.description,
      parser: error.code,
      remote: socket.remoteAddress,
    },
    'request refused before it was read',
  );
  const body = JSON.stringify(wireBody);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
