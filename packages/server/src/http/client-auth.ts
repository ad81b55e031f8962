import type { FastifyRequest } from 'fastify';
import type { ClientCredentials } from '../core/apps/app-service.js';
import { BatonError } from '../core/errors.js';

/**
 * The client credentials of a request: HTTP Basic (client_secret_basic) or body
 * parameters (client_secret_post, or a bare client_id for public clients); never both.
 */
export function clientCredentials(
  request: FastifyRequest,
  body: { client_id?: string | undefined; client_secret?: string | undefined },
): ClientCredentials {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith('basic ')) {
    if (body.client_secret !== undefined)
      throw new BatonError('malformed_request', 'Use one client authentication method, not two');
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new BatonError('client_authentication_failed', 'Malformed Basic credentials');
    const clientId = safeDecode(decoded.slice(0, colon));
    if (body.client_id !== undefined && body.client_id !== clientId)
      throw new BatonError('malformed_request', 'client_id does not match the Basic credentials');
    return { clientId, clientSecret: safeDecode(decoded.slice(colon + 1)) };
  }
  return { clientId: body.client_id, clientSecret: body.client_secret };
}

function safeDecode(value: string): string {
  try {
    const decoded = decodeURIComponent(value.replace(/\+/g, ' '));
    if (!decoded.includes('\0')) return decoded;
  } catch {
    // Not percent-encoding: refused below, like a NUL character, which names no client.
  }
  throw new BatonError('client_authentication_failed', 'Malformed Basic credentials');
}
