import { randomUUID } from 'node:crypto';
import formBody from '@fastify/formbody';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import { BatonError } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { answerClientError } from './client-errors.js';
import { accountRoutes } from './account/account-routes.js';
import { registerAdminApi } from './admin/admin-api.js';
import { registerConsole } from './console/index.js';
import { registerCors } from './cors.js';
import { registerHealth } from './health.js';
import { answerOtherMethods } from './method-not-allowed.js';
import { registerWeb } from './web/index.js';
import { errorWriter } from './errors/write-error.js';
import { registerRoutes } from './native-auth/register-routes.js';
import { resetPasswordRoutes } from './native-auth/reset-password-routes.js';
import { signInRoutes } from './native-auth/sign-in-routes.js';
import { signUpRoutes } from './native-auth/sign-up-routes.js';
import { authorizeChallengeRoute } from './native-auth-v2/authorize-challenge-route.js';
import { mfaV2Routes } from './native-auth-v2/mfa-routes.js';
import { resetPasswordV2Routes } from './native-auth-v2/reset-password-routes.js';
import { signInV2Routes } from './native-auth-v2/sign-in-routes.js';
import { signUpV2Routes } from './native-auth-v2/sign-up-routes.js';
import { introspectRoute } from './oauth/introspect-route.js';
import { revokeRoute } from './oauth/revoke-route.js';
import { deviceAuthorizationRoutes } from './oauth/device-authorization-routes.js';
import { tokenRoute } from './oauth/token-route.js';
import { discoveryRoutes } from './oidc/discovery-route.js';
import { userinfoRoute } from './oidc/userinfo-route.js';
import type { RouteDeps } from './route-options.js';

export interface HttpOptions {
  services: Services;
  publicUrl: string;
  bodyLimit: number;
  /** How long a whole request (headers and body) may take to arrive. */
  requestTimeoutMs: number;
  logger: Logger;
  /** Whose X-Forwarded-For to believe (config's `trustProxy`). */
  trustProxy?: boolean | number | string[];
  /** Told of every answered request: route pattern (not URL), method, status, seconds (the metrics). */
  observeRequest?: (route: string, method: string, status: number, seconds: number) => void;
  /** The management API at /admin/v1: whether it is served (BATON_ADMIN_API) and the operator token (BATON_ADMIN_TOKEN). */
  admin?: { enabled: boolean; token: string | undefined };
}

/**
 * How often Node looks for requests past their time. Its default (30 s) let a request
 * meant to be cut off at 30 s run for up to a minute.
 */
const timeoutCheckMs = 1000;

/** Believes the nearest `hops` proxies (the last entries of X-Forwarded-For). */
function proxyHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

/** A correlation id the client chose (MSAL's `client-request-id`), when it looks like one. */
function correlationId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[A-Za-z0-9-]{8,64}$/.test(value) ? value : randomUUID();
}

/**
 * Fastify logs each request twice, when it arrives and when it ends; one line when it
 * ends says as much (the correlation id ties it to any line written meanwhile) and costs
 * half as much on every request.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 };
    if (error) request.log.error({ ...line, err: error }, 'request errored');
    else request.log.info(line, 'request');
  }
}

export async function buildHttpApp(options: HttpOptions): Promise<FastifyInstance> {
  const writeError = errorWriter(options.services);
  const app: FastifyInstance = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit,
    trustProxy: typeof options.trustProxy === 'number' ? proxyHops(options.trustProxy) : (options.trustProxy ?? false),
    genReqId: (request) => correlationId(request.headers['client-request-id']),
    logController: new OneLinePerRequest({ requestIdLogLabel: 'correlation_id' }),
    routerOptions: { ignoreTrailingSlash: true },
    clientErrorHandler: answerClientError,
    // Headers or a body that trickle in (slowloris) are cut off with 408.
    requestTimeout: options.requestTimeoutMs,
    http: { headersTimeout: options.requestTimeoutMs, connectionsCheckingInterval: timeoutCheckMs },
    // A URL the router cannot read (bad percent-encoding, an overlong segment) reaches no route; it still gets an error in its format.
    frameworkErrors: (error, request, reply) => writeError(error, request, reply),
  });
  await app.register(formBody, { bodyLimit: options.bodyLimit });
  const routesAdded = answerOtherMethods(app);

  // Nearly every answer carries a token, a continuation token or personal data, so none may be
  // cached (RFC 6749 §5.1) unless its route says otherwise (discovery, keys, the stylesheet).
  app.addHook('onRequest', async (request, reply) => {
    reply
      .header('x-ms-request-id', request.id)
      .header('client-request-id', request.id)
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache');
  });

  const { observeRequest } = options;
  if (observeRequest) {
    app.addHook('onResponse', async (request, reply) => {
      observeRequest(
        request.routeOptions.url ?? 'unmatched',
        request.method,
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
    });
  }

  app.setErrorHandler((error, request, reply) => writeError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    writeError(
      new BatonError('endpoint_not_found', `No endpoint ${request.method} ${request.url.split('?')[0]}`),
      request,
      reply,
    ),
  );

  registerCors(app, options.services, options.publicUrl, writeError);
  registerHealth(app, options.services);

  await registerWeb(app, options.services, options.publicUrl, writeError);
  if (options.admin?.enabled) {
    await registerAdminApi(app, {
      services: options.services,
      publicUrl: options.publicUrl,
      adminToken: options.admin.token,
      writeError,
    });
    await registerConsole(app, options.services, options.publicUrl, writeError);
  }
  const deps: RouteDeps = { services: options.services, publicUrl: options.publicUrl };
  for (const routes of [
    discoveryRoutes,
    userinfoRoute,
    tokenRoute,
    deviceAuthorizationRoutes,
    revokeRoute,
    introspectRoute,
    signInRoutes,
    signUpRoutes,
    resetPasswordRoutes,
    registerRoutes,
    authorizeChallengeRoute,
    signInV2Routes,
    signUpV2Routes,
    resetPasswordV2Routes,
    mfaV2Routes,
    accountRoutes,
  ])
    routes(app, deps);
  routesAdded();
  return app;
}
