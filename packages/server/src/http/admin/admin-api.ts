import swagger from '@fastify/swagger';
import { registerAjvFormats, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { BatonError } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import type { WriteError } from '../errors/write-error.js';
import type { AdminInstance } from './admin-instance.js';
import { appRoutes } from './apps.js';
import { auditRoutes } from './audit.js';
import { authenticateCaller, checkAccess } from './caller.js';
import { keyRoutes } from './keys.js';
import { policyRoutes } from './policy.js';
import { sessionRoutes } from './sessions.js';
import { tenantRoutes } from './tenants.js';
import { userRoutes } from './users.js';

export const adminPrefix = '/admin/v1';

export interface AdminApiOptions {
  services: Services;
  publicUrl: string;
  /** BATON_ADMIN_TOKEN, when set. */
  adminToken: string | undefined;
  writeError: WriteError;
}

/**
 * The management API at `/admin/v1`: every route declares its input and answers with
 * TypeBox schemas (inputs refuse unknown fields), from which @fastify/swagger writes the
 * OpenAPI 3.1 document served at `/admin/v1/openapi.json`. Every caller is authenticated
 * before its request is validated; errors are problem details.
 */
export async function registerAdminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  const { services, adminToken, writeError } = options;
  registerAjvFormats();
  await app.register(
    async (scope: AdminInstance) => {
      // TypeBox checks bodies as they are (an unknown field is refused, nothing is coerced or removed) and converts query strings and params.
      scope.setValidatorCompiler(TypeBoxValidatorCompiler);
      await scope.register(swagger, {
        openapi: {
          openapi: '3.1.0',
          info: {
            title: 'Baton management API',
            version: '1',
            description:
              'Tenants, apps, users, sessions, audit trail, signing keys and conditional-access policy. See docs/admin-api.md.',
          },
          servers: [{ url: options.publicUrl }],
          components: {
            securitySchemes: {
              bearer: {
                type: 'http',
                scheme: 'bearer',
                description: 'BATON_ADMIN_TOKEN, or a client_credentials access token of an app created with --admin',
              },
            },
          },
          security: [{ bearer: [] }],
        },
      });
      scope.decorateRequest('apiCaller', null);
      // After the body is read (so a refusal need not discard it) and before it is validated: who calls comes first.
      scope.addHook('preValidation', async (request) => {
        const access = request.routeOptions.config.adminAccess;
        if (!access) return;
        const caller = await authenticateCaller(services, adminToken, request.headers.authorization);
        checkAccess(caller, access, (request.params as { tenant?: string }).tenant);
        request.apiCaller = caller;
      });
      scope.setNotFoundHandler((request, reply) =>
        writeError(
          new BatonError('endpoint_not_found', `No endpoint ${request.method} ${request.url.split('?')[0]}`),
          request,
          reply,
          'problem',
        ),
      );
      for (const routes of [tenantRoutes, appRoutes, userRoutes, sessionRoutes, auditRoutes, keyRoutes, policyRoutes])
        routes(scope, services);
      scope.get('/openapi.json', { schema: { hide: true }, config: { wire: 'problem' } }, async () => scope.swagger());
    },
    { prefix: adminPrefix },
  );
}
