import { type Static, Type } from 'typebox';
import type { UpdateAppInput } from '../../core/apps/app-service.js';
import { definedOnly } from '../../core/defined-only.js';
import { appView } from '../../views/app-view.js';
import type { AdminRoutes } from './admin-instance.js';
import { adminCallerOf, forReaders, forWriters } from './caller.js';
import { pageAnswer, pageBody, pageQuery } from './pagination.js';
import { PathId, Input, Nullable, responses, TenantParams, Timestamp } from './schemas.js';

const ChallengeType = Type.Union([Type.Literal('oob'), Type.Literal('password'), Type.Literal('redirect')]);
const MfaRegistration = Type.Union([Type.Literal('own-address'), Type.Literal('any-address')]);
const AdminLevel = Type.Union([Type.Literal('read'), Type.Literal('write')]);
const Uris = Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 50 });
const Seconds = Type.Integer({ minimum: 1, maximum: 10 * 365 * 86_400 });

const attributeFields = {
  name: Type.String({ minLength: 1, maxLength: 64 }),
  type: Type.Union([Type.Literal('string'), Type.Literal('boolean'), Type.Literal('number')]),
  required: Type.Boolean(),
  regex: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'A string value must match it' })),
  options: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 })),
};

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
  sso_group: Nullable(Type.String()),
  device_code: Type.Boolean(),
  scopes: Type.Array(Type.String()),
  admin: Nullable(AdminLevel),
  attributes: Type.Array(Type.Object(attributeFields), { description: 'The user attributes sign-up collects' }),
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

/** The settings of `baton app create` and `app update`, in snake_case: everything but the name and type. */
const appSettings = {
  challenge_types: Type.Optional(Type.Array(ChallengeType, { minItems: 1, maxItems: 3 })),
  redirect_uris: Type.Optional(Uris),
  post_logout_redirect_uris: Type.Optional(Uris),
  allowed_origins: Type.Optional(Uris),
  require_mfa: Type.Optional(Type.Boolean()),
  mfa_registration: Type.Optional(MfaRegistration),
  allow_refresh_token_export: Type.Optional(Type.Boolean()),
  allow_session_transfer: Type.Optional(Type.Boolean()),
  accept_session_transfer: Type.Optional(Type.Boolean()),
  sso_group: Type.Optional(
    Nullable(Type.String({ minLength: 1, maxLength: 100 }), {
      description: 'The Native SSO group: apps of the tenant in one group share sign-in on a device; null: none',
    }),
  ),
  device_code: Type.Optional(Type.Boolean({ description: 'May start the device authorization grant (RFC 8628)' })),
  scopes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 })),
  admin: Type.Optional(Nullable(AdminLevel, { description: 'null: no management access' })),
  attributes: Type.Optional(Type.Array(Input(attributeFields), { maxItems: 50 })),
  access_token_ttl: Type.Optional(Seconds),
  id_token_ttl: Type.Optional(Seconds),
  refresh_retry_window: Type.Optional(Seconds),
  session_idle_ttl: Type.Optional(Seconds),
  session_absolute_ttl: Type.Optional(Seconds),
};

const AppName = Type.String({ minLength: 1, maxLength: 200 });

const CreateApp = Input({
  name: AppName,
  type: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('confidential')])),
  ...appSettings,
});

/** Any field of create but the type (set once, at registration); what is left out stays. */
const UpdateApp = Input({ name: Type.Optional(AppName), ...appSettings });

const AppParams = Input({
  ...TenantParams.properties,
  client_id: PathId,
});

const DeletedApp = Type.Object({
  client_id: Type.String(),
  deleted: Type.Boolean({ description: 'false when there was no such app (deleting again is no error)' }),
  revoked_sessions: Type.Array(Type.String(), { description: 'The sessions the app had opened, ended now' }),
});

const RotatedSecret = Type.Object({
  client_id: Type.String(),
  client_secret: Type.String({ description: 'Shown in this answer and never again; the previous one stops working' }),
});

/** The service's settings from the API's fields; what is left out stays. */
function settingsOf(body: Static<typeof UpdateApp>): UpdateAppInput {
  const lifetimes = definedOnly({
    accessTokenTtl: body.access_token_ttl,
    idTokenTtl: body.id_token_ttl,
    refreshRetryWindow: body.refresh_retry_window,
    sessionIdleTtl: body.session_idle_ttl,
    sessionAbsoluteTtl: body.session_absolute_ttl,
  });
  return {
    ...definedOnly({
      name: body.name,
      challengeTypes: body.challenge_types,
      redirectUris: body.redirect_uris,
      postLogoutRedirectUris: body.post_logout_redirect_uris,
      allowedOrigins: body.allowed_origins,
      requireMfa: body.require_mfa,
      mfaRegistration: body.mfa_registration,
      allowRefreshTokenExport: body.allow_refresh_token_export,
      allowSessionTransfer: body.allow_session_transfer,
      acceptSessionTransfer: body.accept_session_transfer,
      ssoGroup: body.sso_group,
      deviceCode: body.device_code,
      scopes: body.scopes,
      admin: body.admin,
      userAttributes: body.attributes,
    }),
    ...(Object.keys(lifetimes).length > 0 ? { lifetimes } : {}),
  };
}

/** `tenants/{t}/apps`: app registrations, as `baton app create|list|update|delete|rotate-secret` manage them. */
export const appRoutes: AdminRoutes = (admin, services) => {
  admin.get(
    '/tenants/:tenant/apps',
    {
      config: forReaders,
      schema: {
        summary: "List a tenant's apps, oldest first (never their secrets)",
        params: TenantParams,
        querystring: Input(pageQuery),
        response: responses({ 200: pageBody(AppBody) }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      return pageAnswer(await services.apps.page(tenant, request.query), appView);
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
      const { name, type } = request.body;
      const { app, clientSecret } = await services.apps.register(
        tenant,
        { ...settingsOf(request.body), name, ...definedOnly({ type }) },
        adminCallerOf(request),
      );
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
      return appView(await services.apps.get(tenant, request.params.client_id));
    },
  );

  admin.patch(
    '/tenants/:tenant/apps/:client_id',
    {
      config: forWriters,
      schema: {
        summary: 'Change an app’s settings, as `baton app update`: any field of create but the type',
        params: AppParams,
        body: UpdateApp,
        response: responses({ 200: AppBody }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const app = await services.apps.update(
        tenant,
        request.params.client_id,
        settingsOf(request.body),
        adminCallerOf(request),
      );
      return appView(app);
    },
  );

  admin.delete(
    '/tenants/:tenant/apps/:client_id',
    {
      config: forWriters,
      schema: {
        summary: 'Delete an app and end every session it opened, with their children; idempotent',
        params: AppParams,
        response: responses({ 200: DeletedApp }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const { client_id: clientId } = request.params;
      const { deleted, revokedSessions } = await services.apps.delete(tenant, clientId, adminCallerOf(request));
      return { client_id: clientId, deleted, revoked_sessions: revokedSessions };
    },
  );

  admin.post(
    '/tenants/:tenant/apps/:client_id/rotate-secret',
    {
      config: forWriters,
      schema: {
        summary: 'A new client secret for a confidential app, in this answer only; the previous one stops working',
        params: AppParams,
        response: responses({ 200: RotatedSecret }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const { app, clientSecret } = await services.apps.rotateSecret(
        tenant,
        request.params.client_id,
        adminCallerOf(request),
      );
      return { client_id: app.clientId, client_secret: clientSecret as string };
    },
  );
};
