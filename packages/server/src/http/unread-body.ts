import { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Bytes of a refused request's body read and thrown away so the client can read the
 * answer; a client sending more is cut off. Far above any Baton body (64 KB), far below
 * what would make discarding a cost.
 */
export const discardLimit = 16 * 1024 * 1024;

/**
 * An answer written before the request body has arrived in full (a body over the limit, a
 * body of the wrong type) must not be followed by closing the socket: the kernel would
 * reset the connection under a client still sending, and a client that sends its whole
 * request before reading (most HTTP libraries) would see ECONNRESET or EPIPE instead of the
 * answer. So the rest of the body is read and discarded, up to `discardLimit` bytes and
 * within the request timeout, and the connection is closed once both the answer and the
 * body are done.
 */
export function discardUnreadBody(request: FastifyRequest, reply: FastifyReply, limit = discardLimit): void {
  const raw = request.raw;
  if (raw.complete || raw.destroyed) return;
  // A request made in-process (Fastify inject: the console calling the management API) has no connection to keep or close.
  if (!(raw.socket instanceof Socket)) return;
  // Fastify asks Node to close right after the answer; Baton closes once the body is in instead.
  reply.removeHeader('connection');
  let discarded = 0;
  raw.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit) raw.socket.destroy();
  });
  raw.resume();
  let pending = 2;
  const closeWhenDone = () => {
    if (--pending === 0) raw.socket.end();
  };
  raw.once('end', closeWhenDone);
  reply.raw.once('finish', closeWhenDone);
}
