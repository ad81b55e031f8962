import { Type } from 'typebox';
import { BatonError } from '../../core/errors.js';
import { appView } from '../../views/app-view.js';
import { auditAdminChange } from './admin-audit.js';
import type { AdminRoutes } from './admin-instance.js';
import { forReaders, forWriters } from './caller.js';
import { pageByCreation, pageOf, pageQuery } from './pagination.js';
import { Input, Nullable, responses, TenantParams, Timestamp } from './schemas.js';

const ChallengeType = Type.Union([Type.Literal('oob'), Type.Literal('password'), Type.Literal('redirect')]);
const MfaRegistration = Type.Union([Type.Literal('own-address'), Type.Literal('any-address')]);
const AdminLevel = Type.Union([Type.Literal('read'), Type.Literal('write')]);
const Uris = Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 50 });
const Seconds = Type.Integer({ minimum: 1, maximum: 10 * 365 * 86_400 });

const AppBody = Type.Object({
  client_id: Type.String(),
  name: Type.String(),
  type: Type.Union([Type.Literal('public'), Type.Literal('confidential')]),
  challenge_types: Type.Array(ChallengeType),
  redirect_uris: Type.Array(Type.String()),
  post_logout_redirect_uris: Type.Array(Type.String()),
  allowed_origins: Type.Array(Type.String()),
  require_mfa: Type.Boolean(),
  mfa_registration: MfaRegistration,
  allow_refresh_token_export: Type.Boolean(),
  allow_session_transfer: Type.Boolean(),
  accept_session_transfer: Type.Boolean(),
  scopes: Type.Array(Type.String()),
  admin: Nullable(AdminLevel),
  access_token_ttl: Type.Integer(),
  id_token_ttl: Type.Integer(),
  refresh_retry_window: Type.Integer(),
  session_idle_ttl: Type.Integer(),
  session_absolute_ttl: Type.Integer(),
  created_at: Timestamp,
});

const CreatedApp = Type.Object({
  ...AppBody.properties,
  client_secret: Type.Optional(
    Type.String({ description: 'Confidential apps only; shown in this answer and never again' }),
  ),
});

/** The fields of `baton app create`, in snake_case. */
const CreateApp = Input({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  type: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('confidential')])),
  challenge_types: Type.Optional(Type.Array(ChallengeType, { minItems: 1, maxItems: 3 })),
  redirect_uris: Type.Optional(Uris),
  post_logout_redirect_uris: Type.Optional(Uris),
  allowed_origins: Type.Optional(Uris),
  require_mfa: Type.Optional(Type.Boolean()),
  mfa_registration: Type.Optional(MfaRegistration),
  allow_refresh_token_export: Type.Optional(Type.Boolean()),
  allow_session_transfer: Type.Optional(Type.Boolean()),
  accept_session_transfer: Type.Optional(Type.Boolean()),
  scopes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 })),
  admin: Type.Optional(Nullable(AdminLevel)),
  access_token_ttl: Type.Optional(Seconds),
  id_token_ttl: Type.Optional(Seconds),
  refresh_retry_window: Type.Optional(Seconds),
  session_idle_ttl: Type.Optional(Seconds),
  session_absolute_ttl: Type.Optional(Seconds),
});

const AppParams = Input({
  ...TenantParams.properties,
  client_id: Type.String({ minLength: 1, maxLength: 100 }),
});

/** `tenants/{t}/apps`: app registrations, as `baton app create` and `app list` make and show them. */
export const appRoutes: AdminRoutes = (admin, services) => {
  admin.get(
    '/tenants/:tenant/apps',
    {
      config: forReaders,
      schema: {
        summary: "List a tenant's apps, oldest first (never their secrets)",
        params: TenantParams,
        querystring: Input(pageQuery),
        response: responses({ 200: pageOf(AppBody) }),
      },
    },
    async (request) => {
      const apps = await services.apps.list(await services.tenants.require(request.params.tenant));
      const page = pageByCreation(apps, (app) => app.clientId, request.query);
      return { items: page.items.map(appView), next_cursor: page.nextCursor };
    },
  );

  admin.post(
    '/tenants/:tenant/apps',
    {
      config: forWriters,
      schema: {
        summary: 'Register an app; a confidential app’s client_secret is in this answer only',
        params: TenantParams,
        body: CreateApp,
        response: responses({ 201: CreatedApp }),
      },
    },
    async (request, reply) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const b = request.body;
      const lifetimes = Object.fromEntries(
        Object.entries({
          accessTokenTtl: b.access_token_ttl,
          idTokenTtl: b.id_token_ttl,
          refreshRetryWindow: b.refresh_retry_window,
          sessionIdleTtl: b.session_idle_ttl,
          sessionAbsoluteTtl: b.session_absolute_ttl,
        }).filter(([, seconds]) => seconds !== undefined),
      );
      const { app, clientSecret } = await services.apps.register(tenant, {
        name: b.name,
        ...(b.type !== undefined ? { type: b.type } : {}),
        ...(b.challenge_types !== undefined ? { challengeTypes: b.challenge_types } : {}),
        ...(b.redirect_uris !== undefined ? { redirectUris: b.redirect_uris } : {}),
        ...(b.post_logout_redirect_uris !== undefined ? { postLogoutRedirectUris: b.post_logout_redirect_uris } : {}),
        ...(b.allowed_origins !== undefined ? { allowedOrigins: b.allowed_origins } : {}),
        ...(b.require_mfa !== undefined ? { requireMfa: b.require_mfa } : {}),
        ...(b.mfa_registration !== undefined ? { mfaRegistration: b.mfa_registration } : {}),
        ...(b.allow_refresh_token_export !== undefined
          ? { allowRefreshTokenExport: b.allow_refresh_token_export }
          : {}),
        ...(b.allow_session_transfer !== undefined ? { allowSessionTransfer: b.allow_session_transfer } : {}),
        ...(b.accept_session_transfer !== undefined ? { acceptSessionTransfer: b.accept_session_transfer } : {}),
        ...(b.scopes !== undefined ? { scopes: b.scopes } : {}),
        ...(b.admin !== undefined ? { admin: b.admin } : {}),
        lifetimes,
      });
      await auditAdminChange(services, request, {
        tenantId: tenant.id,
        type: 'admin.app.created',
        data: { client_id: app.clientId, type: app.type, admin: app.admin },
      });
      return reply.code(201).send({ ...appView(app), ...(clientSecret ? { client_secret: clientSecret } : {}) });
    },
  );

  admin.get(
    '/tenants/:tenant/apps/:client_id',
    {
      config: forReaders,
      schema: { summary: 'Read an app (never its secret)', params: AppParams, response: responses({ 200: AppBody }) },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const app = await services.repos.apps.find(tenant.id, request.params.client_id);
      if (!app) throw new BatonError('unknown_client', `No app ${request.params.client_id} in tenant "${tenant.name}"`);
      return appView(app);
    },
  );
};
