import Fastify, { type FastifyInstance } from 'fastify';
import { AccessTokenVerifier, IssuerUnavailable } from './access-token.js';
import { AuthError, sendAuthError } from './auth-error.js';
import { authenticate, type Authenticator } from './authenticate.js';
import { ReplayCache } from './replay-cache.js';

export interface ProtectedApiOptions {
  /** The Baton tenant base, `{BATON_PUBLIC_URL}/{tenant}`; discovery is read under it. */
  issuerBase: string;
  /** The client_ids this API serves: an access token's `aud` must be one of them. */
  audiences: string[];
  /**
   * The base URL clients address this API at (`https://api.example.com`): a DPoP proof
   * must name it in `htu`. Configured, never read from the request: the Host header is
   * the client's to choose, so a proof made for another server would pass with a
   * matching Host.
   */
  publicUrl: string;
  /** Milliseconds since the epoch; tests pass Baton's manual clock. */
  now?: () => number;
  /** Fastify's logger option. */
  logger?: boolean;
}

/**
 * A resource server for Baton's access tokens, Bearer or DPoP-bound. Not started: call
 * `listen()` on the answer (or `inject()` in a test).
 */
export function createProtectedApi(options: ProtectedApiOptions): FastifyInstance {
  if (options.audiences.length === 0)
    throw new Error('The protected API needs at least one audience (a client_id it serves)');
  if (!/^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(options.publicUrl))
    throw new Error(
      `The protected API's public URL must be an http(s) URL without query or fragment, not "${options.publicUrl}"`,
    );
  const now = options.now ?? Date.now;
  const auth: Authenticator = {
    tokens: new AccessTokenVerifier(options.issuerBase, options.audiences, now),
    replay: new ReplayCache(),
    now,
    publicUrl: options.publicUrl.replace(/\/$/, ''),
  };
  const app = Fastify({ logger: options.logger ?? false });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof AuthError) return sendAuthError(reply, error);
    if (error instanceof IssuerUnavailable) {
      request.log.warn({ err: error }, 'issuer unavailable');
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ error: 'temporarily_unavailable', error_description: 'The token issuer cannot be reached' });
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send({ error: 'server_error' });
  });

  app.get('/api/me', async (request, reply) => {
    const { claims, dpop } = await authenticate(request, auth);
    reply.header('cache-control', 'no-store');
    return { sub: claims.sub, client_id: claims.client_id ?? null, scope: claims.scope ?? '', dpop };
  });

  return app;
}
