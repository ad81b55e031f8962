import type { FastifyReply } from 'fastify';

/** The errors of RFC 6750 §3.1 and RFC 9449 §7.1 this API answers with. */
export type AuthErrorCode = 'invalid_request' | 'invalid_token' | 'invalid_dpop_proof';

/** The scheme a request used, or null when it sent no credentials. */
export type Scheme = 'Bearer' | 'DPoP';

/** Algorithms this API accepts in DPoP proofs, announced in its DPoP challenge. */
export const proofAlgorithms = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'];

const realm = 'protected-api';

/** Why a request is not authorized, in the scheme the client used. */
export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode | null,
    readonly description: string,
    readonly scheme: Scheme | null = null,
  ) {
    super(description);
  }

  get status(): number {
    return this.code === 'invalid_request' ? 400 : 401;
  }
}

/**
 * Writes the refusal: the status, one challenge per scheme (the one the client used names
 * the error, the other is offered), and a JSON body. Without credentials no error code is
 * given (RFC 6750 §3.1).
 */
export function sendAuthError(reply: FastifyReply, error: AuthError): FastifyReply {
  const quoted = error.description.replace(/["\\]/g, "'");
  const detail = (scheme: Scheme) =>
    error.code && error.scheme === scheme ? `, error="${error.code}", error_description="${quoted}"` : '';
  const challenges = [
    `Bearer realm="${realm}"${detail('Bearer')}`,
    `DPoP realm="${realm}"${detail('DPoP')}, algs="${proofAlgorithms.join(' ')}"`,
  ];
  const body = error.code
    ? { error: error.code, error_description: error.description }
    : { error_description: error.description };
  return reply.code(error.status).header('www-authenticate', challenges).header('cache-control', 'no-store').send(body);
}
