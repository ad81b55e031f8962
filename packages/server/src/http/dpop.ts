import type { FastifyRequest } from 'fastify';
import { BatonError } from '../core/errors.js';
import type { Services } from '../core/services.js';

/**
 * The key thumbprint of the request's DPoP proof, or null when it carries none. The
 * proof must name this request's method and its URL under the public URL (what the client
 * addressed, whatever proxies sit between).
 */
export async function dpopKeyOf(services: Services, request: FastifyRequest, publicUrl: string, accessToken?: string): Promise<string | null> {
  const header = request.headers.dpop;
  if (header === undefined) return null;
  // Node joins repeated headers with commas, which a JWT never holds.
  if (Array.isArray(header) || header.length === 0 || header.includes(',')) throw new BatonError('invalid_dpop_proof', 'Send exactly one DPoP proof');
  const path = request.url.split('?')[0] ?? '';
  return services.dpop.verify(header, { method: request.method, url: `${publicUrl}${path}`, ...(accessToken !== undefined ? { accessToken } : {}) });
}
