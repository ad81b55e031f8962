import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** What Node's HTTP parser refuses before any route runs, as the OAuth error JSON every endpoint speaks. */
function refusalOf(code: string | undefined): { status: number; description: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, description: 'The request line or headers are too large' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, description: 'The request took too long to arrive' };
  return { status: 400, description: 'The request is not valid HTTP/1.1' };
}

/**
 * Fastify's `clientErrorHandler`: a request Node could not parse (an unknown method, bad
 * framing, a control byte in a header, headers over 16 KB, a body too slow to arrive)
 * gets `invalid_request` (or 408/431) in the OAuth shape rather than Fastify's own, and the
 * connection is closed, since whatever followed on it cannot be trusted.
 */
export function answerClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, description } = refusalOf(error.code);
  // No route ran, so no request line was logged: this is the only trace of the refusal.
  this.log.info(
    { status, error: 'invalid_request', description, parser: error.code, remote: socket.remoteAddress },
    'request refused before it was read',
  );
  const body = JSON.stringify({ error: 'invalid_request', error_description: description });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
