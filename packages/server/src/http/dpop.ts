import type { FastifyRequest } from 'fastify';
import { BatonError } from '../core/errors.js';
import type { Services } from '../core/services.js';

/**
 * The key thumbprint of the request's DPoP proof, or null when it carries none. The
 * proof must name this request's method and its URL under the public URL (what the client
 * addressed, whatever proxies sit between).
 */
export async function dpopKeyOf(
  services: Services,
  request: FastifyRequest,
  publicUrl: string,
  accessToken?: string,
): Promise<string | null> {
  const header = request.headers.dpop;
  if (header === undefined) return null;
  // Node joins repeated headers with commas, which a JWT never holds.
  if (Array.isArray(header) || header.length === 0 || header.includes(','))
    throw new BatonError('invalid_dpop_proof', 'Send exactly one DPoP proof');
  const path = request.url.split('?')[0] ?? '';
  return services.dpop.verify(header, {
    method: request.method,
    url: `${addressedBase(publicUrl, request.headers.host)}${path}`,
    ...(accessToken !== undefined ? { accessToken } : {}),
  });
}

const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The public URL as the client addressed it. A server whose public URL is a loopback name
 * (development) answers to every loopback name on its port, and a client that called
 * 127.0.0.1 where the public URL says localhost signs the URL it called; both name this
 * machine. Any other public URL is taken as it is: Host headers are the client's to choose.
 */
function addressedBase(publicUrl: string, host: string | undefined): string {
  // Only a loopback Host can change anything; any other skips the URL parsing on this hot path.
  if (!host || !loopbackNames.has(host.replace(/:\d*$/, ''))) return publicUrl;
  const base = new URL(publicUrl);
  if (!loopbackNames.has(base.hostname)) return publicUrl;
  let called: URL;
  try {
    called = new URL(`${base.protocol}//${host}`);
  } catch {
    return publicUrl;
  }
  if (!loopbackNames.has(called.hostname) || called.port !== base.port || called.username || called.pathname !== '/')
    return publicUrl;
  return `${base.protocol}//${called.host}${publicUrl.slice(`${base.protocol}//${base.host}`.length)}`;
}
