import { type Static, Type } from 'typebox';
import { definedOnly } from '../../core/defined-only.js';
import { byCreation, pageByCreation } from '../../core/paging.js';
import type { UpdateTenantInput } from '../../core/tenants/tenant-service.js';
import { tenantView } from '../../views/tenant-view.js';
import type { AdminRoutes } from './admin-instance.js';
import { adminCallerOf, forOperator, forReaders } from './caller.js';
import { pageAnswer, pageBody, pageQuery } from './pagination.js';
import { Input, Nullable, responses, TenantParams, Timestamp } from './schemas.js';

const Algorithm = Type.Union([Type.Literal('ES256'), Type.Literal('RS256')]);

const TenantBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  display_name: Type.String(),
  signing_alg: Algorithm,
  code_length: Type.Integer(),
  theme: Type.Object({ logo_url: Type.Optional(Type.String()), color: Type.Optional(Type.String()) }),
  created_at: Timestamp,
});

/** The settings a tenant is created with and an update changes; a theme field null or "" is left without. */
const tenantSettings = {
  display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  signing_alg: Type.Optional(Algorithm),
  code_length: Type.Optional(Type.Integer({ minimum: 6, maximum: 8 })),
  theme: Type.Optional(
    Input({
      logo_url: Type.Optional(
        Nullable(Type.String({ maxLength: 2000, description: 'https://; null or "" removes it' })),
      ),
      color: Type.Optional(
        Nullable(Type.String({ maxLength: 32, description: '#rgb, #rrggbb or a name; null or "" removes it' })),
      ),
    }),
  ),
};

const CreateTenant = Input({
  name: Type.String({ minLength: 1, maxLength: 63, description: 'Lower-case letters, digits and hyphens' }),
  ...tenantSettings,
});

const UpdateTenant = Input(tenantSettings);

const DeletedTenant = Type.Object({ name: Type.String(), deleted: Type.Boolean() });

/** The service's settings from the API's fields; what is left out stays. */
const settingsOf = (body: Static<typeof UpdateTenant>): UpdateTenantInput => ({
  ...definedOnly({ displayName: body.display_name, signingAlg: body.signing_alg, codeLength: body.code_length }),
  ...(body.theme ? { theme: definedOnly({ logoUrl: body.theme.logo_url, color: body.theme.color }) } : {}),
});

/** `tenants`: the operator sees and creates every tenant; an app sees its own alone. */
export const tenantRoutes: AdminRoutes = (admin, services) => {
  admin.get(
    '/tenants',
    {
      config: forReaders,
      schema: {
        summary: 'List the tenants (an app: its own), oldest first',
        querystring: Input(pageQuery),
        response: responses({ 200: pageBody(TenantBody) }),
      },
    },
    async (request) => {
      const caller = request.apiCaller;
      const page =
        caller?.kind === 'app'
          ? pageByCreation([caller.tenant], request.query, byCreation)
          : await services.tenants.page(request.query);
      return pageAnswer(page, tenantView);
    },
  );

  admin.post(
    '/tenants',
    {
      config: forOperator,
      schema: {
        summary: 'Create a tenant and its first signing key (BATON_ADMIN_TOKEN only)',
        body: CreateTenant,
        response: responses({ 201: TenantBody }, { conflict: true }),
      },
    },
    async (request, reply) => {
      const tenant = await services.tenants.create(
        { name: request.body.name, ...settingsOf(request.body) },
        adminCallerOf(request),
      );
      return reply.code(201).send(tenantView(tenant));
    },
  );

  admin.get(
    '/tenants/:tenant',
    {
      config: forReaders,
      schema: { summary: 'Read a tenant', params: TenantParams, response: responses({ 200: TenantBody }) },
    },
    async (request) => tenantView(await services.tenants.require(request.params.tenant)),
  );

  admin.patch(
    '/tenants/:tenant',
    {
      config: forOperator,
      schema: {
        summary:
          'Change a tenant’s settings, as `baton tenant update` (BATON_ADMIN_TOKEN only); a new signing_alg rotates the keys',
        params: TenantParams,
        body: UpdateTenant,
        response: responses({ 200: TenantBody }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      return tenantView(await services.tenants.update(tenant, settingsOf(request.body), adminCallerOf(request)));
    },
  );

  admin.delete(
    '/tenants/:tenant',
    {
      config: forOperator,
      schema: {
        summary:
          'Delete a tenant and everything in it: apps, users, sessions, keys, audit trail (BATON_ADMIN_TOKEN only)',
        params: TenantParams,
        response: responses({ 200: DeletedTenant }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const { deleted } = await services.tenants.delete(tenant, adminCallerOf(request));
      return { name: tenant.name, deleted };
    },
  );
};
