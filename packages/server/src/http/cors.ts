import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BatonError } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { clientCredentials } from './client-auth.js';
import type { WriteError } from './errors/write-error.js';

/** Headers MSAL's browser client sends (x-client-*, client-request-id) plus what OAuth clients add. */
const allowedHeaders = [
  'content-type',
  'authorization',
  'dpop',
  'client-request-id',
  'return-client-request-id',
  'x-client-sku',
  'x-client-ver',
  'x-client-os',
  'x-client-cpu',
  'x-client-current-telemetry',
  'x-client-last-telemetry',
  'x-ms-lib-capability',
  'x-app-name',
  'x-app-ver',
];
/** A header name (RFC 9110 token); anything else a preflight asks for is not echoed. */
const headerName = /^[!#$%&'*+.^_`|~0-9a-z-]{1,100}$/;
/** How many requested names a preflight may add to the list. */
const maxRequestedHeaders = 50;

/**
 * The headers a preflight may send: MSAL's and OAuth's, plus what the page asks for. An app
 * adds headers of its own through MSAL's requestInterceptor (reference §6: the browser
 * asks for them "plus any interceptor headers"); the origin is one the tenant registered, so
 * its page may send what it likes.
 */
function allowHeaders(requested: string | string[] | undefined): string {
  const names = (Array.isArray(requested) ? requested.join(',') : (requested ?? ''))
    .split(',')
    .map((name) => name.trim().toLowerCase());
  const extra = names
    .filter((name) => headerName.test(name) && !allowedHeaders.includes(name))
    .slice(0, maxRequestedHeaders);
  return [...allowedHeaders, ...new Set(extra)].join(', ');
}

/** Discovery and keys are public: any page may read them. */
const publicMetadata = /^\/[^/]+\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys)$/;

/**
 * CORS for browser apps. A page may call a tenant's API only from an origin one of its
 * apps registered (`--allowed-origin`); a request naming a client is held to that app's
 * own origins, and refused (`access_denied`, in the OAuth shape) from any other before anything runs.
 * Requests without an Origin (native apps, servers) are not affected.
 */
export function registerCors(app: FastifyInstance, services: Services, publicUrl: string, writeError: WriteError) {
  const ownOrigin = new URL(publicUrl).origin;

  app.addHook('onRequest', async (request, reply) => {
    const origin = originOf(request);
    if (!origin || request.method !== 'OPTIONS' || !request.headers['access-control-request-method']) return;
    const path = request.url.split('?')[0] ?? '';
    if (!publicMetadata.test(path) && !(await tenantAllows(path, origin))) {
      reply.header('vary', 'Origin');
      await writeError(
        new BatonError('origin_not_allowed', `Origin ${origin} is not allowed to call this tenant`),
        request,
        reply,
        'oauth',
      );
      return reply;
    }
    allow(reply, publicMetadata.test(path) ? '*' : origin)
      .header('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS')
      .header('access-control-allow-headers', allowHeaders(request.headers['access-control-request-headers']))
      .header('access-control-max-age', '600')
      .code(204)
      .send();
    return reply;
  });

  app.addHook('preHandler', async (request, reply) => {
    const origin = originOf(request);
    if (!origin) return;
    const path = request.url.split('?')[0] ?? '';
    if (publicMetadata.test(path)) {
      allow(reply, '*');
      return;
    }
    const clientId = clientIdOf(request) ?? (await flowClientOf(path, request));
    const permitted = clientId ? await appAllows(path, clientId, origin) : await tenantAllows(path, origin);
    if (permitted === false)
      throw new BatonError(
        'origin_not_allowed',
        `Origin ${origin} is not allowed for this app; register it with --allowed-origin`,
      );
    if (permitted) allow(reply, origin);
  });

  function originOf(request: FastifyRequest): string | null {
    const origin = request.headers.origin;
    return origin && origin !== 'null' && origin !== ownOrigin ? origin : null;
  }

  async function tenantOfPath(path: string) {
    const name = path.split('/')[1] ?? '';
    return services.repos.tenants.findByName(name).catch(() => null);
  }

  async function tenantAllows(path: string, origin: string): Promise<boolean> {
    const tenant = await tenantOfPath(path);
    return (
      tenant !== null && (await services.repos.apps.list(tenant.id)).some((a) => a.allowedOrigins.includes(origin))
    );
  }

  /**
   * The app a native auth V2 link call belongs to: such calls carry no client_id, their
   * continuation token names the app, whose own origins then apply. Undefined when the
   * body has no token the tenant knows (the route reports that).
   */
  async function flowClientOf(path: string, request: FastifyRequest): Promise<string | undefined> {
    const body = request.body as { continuationToken?: unknown } | null | undefined;
    const token = body && typeof body === 'object' ? body.continuationToken : undefined;
    const tenant = typeof token === 'string' ? await tenantOfPath(path) : null;
    if (!tenant || typeof token !== 'string') return undefined;
    return services.authorizeChallenge.appOf(tenant, token).then(
      (app) => app.clientId,
      () => undefined,
    );
  }

  /** True or false for a known app; null when the app is unknown (the route reports that). */
  async function appAllows(path: string, clientId: string, origin: string): Promise<boolean | null> {
    const tenant = await tenantOfPath(path);
    const client = tenant ? await services.repos.apps.find(tenant.id, clientId) : null;
    return client ? client.allowedOrigins.includes(origin) : null;
  }
}

function allow(reply: FastifyReply, origin: string): FastifyReply {
  return reply
    .header('access-control-allow-origin', origin)
    .header('vary', 'Origin')
    .header('access-control-expose-headers', 'x-ms-request-id, client-request-id, www-authenticate, dpop-nonce');
}

function clientIdOf(request: FastifyRequest): string | undefined {
  try {
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const clientId = typeof body.client_id === 'string' ? body.client_id : undefined;
    return clientCredentials(request, { client_id: clientId }).clientId;
  } catch {
    return undefined;
  }
}
