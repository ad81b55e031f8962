import { Type } from 'typebox';
import type { Tenant } from '../../core/model.js';
import { auditAdminChange } from './admin-audit.js';
import type { AdminRoutes } from './admin-instance.js';
import { forOperator, forReaders } from './caller.js';
import { pageByCreation, pageOf, pageQuery } from './pagination.js';
import { Input, iso, responses, TenantParams, Timestamp } from './schemas.js';

const TenantBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  display_name: Type.String(),
  signing_alg: Type.Union([Type.Literal('ES256'), Type.Literal('RS256')]),
  code_length: Type.Integer(),
  theme: Type.Object({ logo_url: Type.Optional(Type.String()), color: Type.Optional(Type.String()) }),
  created_at: Timestamp,
});

const CreateTenant = Input({
  name: Type.String({ minLength: 1, maxLength: 63, description: 'Lower-case letters, digits and hyphens' }),
  display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  signing_alg: Type.Optional(Type.Union([Type.Literal('ES256'), Type.Literal('RS256')])),
  code_length: Type.Optional(Type.Integer({ minimum: 6, maximum: 8 })),
  theme: Type.Optional(
    Input({
      logo_url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
      color: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    }),
  ),
});

export const tenantBody = (tenant: Tenant) => ({
  id: tenant.id,
  name: tenant.name,
  display_name: tenant.displayName,
  signing_alg: tenant.signingAlg,
  code_length: tenant.codeLength,
  theme: {
    ...(tenant.theme.logoUrl ? { logo_url: tenant.theme.logoUrl } : {}),
    ...(tenant.theme.color ? { color: tenant.theme.color } : {}),
  },
  created_at: iso(tenant.createdAt),
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
        response: responses({ 200: pageOf(TenantBody) }),
      },
    },
    async (request) => {
      const caller = request.adminCaller;
      const tenants = caller?.kind === 'app' ? [caller.tenant] : await services.tenants.list();
      const page = pageByCreation(tenants, (tenant) => tenant.id, request.query);
      return { items: page.items.map(tenantBody), next_cursor: page.nextCursor };
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
      const { name, display_name, signing_alg, code_length, theme } = request.body;
      const tenant = await services.tenants.create({
        name,
        ...(display_name !== undefined ? { displayName: display_name } : {}),
        ...(signing_alg !== undefined ? { signingAlg: signing_alg } : {}),
        ...(code_length !== undefined ? { codeLength: code_length } : {}),
        theme: {
          ...(theme?.logo_url !== undefined ? { logoUrl: theme.logo_url } : {}),
          ...(theme?.color !== undefined ? { color: theme.color } : {}),
        },
      });
      await auditAdminChange(services, request, {
        tenantId: tenant.id,
        type: 'admin.tenant.created',
        data: { name: tenant.name },
      });
      return reply.code(201).send(tenantBody(tenant));
    },
  );

  admin.get(
    '/tenants/:tenant',
    {
      config: forReaders,
      schema: { summary: 'Read a tenant', params: TenantParams, response: responses({ 200: TenantBody }) },
    },
    async (request) => tenantBody(await services.tenants.require(request.params.tenant)),
  );
};
