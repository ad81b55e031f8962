import type { Kysely, Selectable } from 'kysely';
import type { App, AttributeDefinition, ChallengeType } from '../../core/model.js';
import type { AppRepository } from '../../core/ports.js';
import type { AppsTable, Database } from '../schema.js';
import { flag, isSet, json, parse } from './rows.js';

export function appRepository(db: Kysely<Database>): AppRepository {
  return {
    async create(app) {
      await db.insertInto('apps').values(appRow(app)).execute();
    },
    async update(app) {
      await db
        .updateTable('apps')
        .set(settingsRow(app))
        .where('client_id', '=', app.clientId)
        .where('tenant_id', '=', app.tenantId)
        .execute();
    },
    async delete(tenantId, clientId) {
      const deleted = await db
        .deleteFrom('apps')
        .where('client_id', '=', clientId)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows) === 1;
    },
    async find(tenantId, clientId) {
      const row = await db
        .selectFrom('apps')
        .selectAll()
        .where('client_id', '=', clientId)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      return row ? toApp(row) : null;
    },
    async list(tenantId) {
      const rows = await db
        .selectFrom('apps')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at')
        .execute();
      return rows.map(toApp);
    },
  };
}

/** The columns an update may change: all but the ids, the type and the creation time. */
/** The app as its row in `apps`. */
export function appRow(app: App) {
  return {
    client_id: app.clientId,
    tenant_id: app.tenantId,
    type: app.type,
    ...settingsRow(app),
    created_at: app.createdAt,
  };
}

function settingsRow(app: App) {
  return {
    name: app.name,
    secret_digest: app.secretDigest,
    challenge_types: json(app.challengeTypes),
    redirect_uris: json(app.redirectUris),
    allowed_origins: json(app.allowedOrigins),
    require_mfa: flag(app.requireMfa),
    mfa_registration: app.mfaRegistration,
    allow_refresh_token_export: flag(app.allowRefreshTokenExport),
    allow_session_transfer: flag(app.allowSessionTransfer),
    accept_session_transfer: flag(app.acceptSessionTransfer),
    sso_group: app.ssoGroup,
    device_code: flag(app.deviceCode),
    access_token_ttl: app.accessTokenTtl,
    id_token_ttl: app.idTokenTtl,
    refresh_retry_window: app.refreshRetryWindow,
    session_idle_ttl: app.sessionIdleTtl,
    session_absolute_ttl: app.sessionAbsoluteTtl,
    user_attributes: json(app.userAttributes),
    post_logout_redirect_uris: json(app.postLogoutRedirectUris),
    scopes: json(app.scopes),
    admin: app.admin,
  } satisfies Partial<Selectable<AppsTable>>;
}

function toApp(row: Selectable<AppsTable>): App {
  return {
    clientId: row.client_id,
    tenantId: row.tenant_id,
    name: row.name,
    type: row.type,
    secretDigest: row.secret_digest,
    challengeTypes: parse<ChallengeType[]>(row.challenge_types),
    redirectUris: parse<string[]>(row.redirect_uris),
    allowedOrigins: parse<string[]>(row.allowed_origins),
    requireMfa: isSet(row.require_mfa),
    mfaRegistration: row.mfa_registration,
    allowRefreshTokenExport: isSet(row.allow_refresh_token_export),
    allowSessionTransfer: isSet(row.allow_session_transfer),
    acceptSessionTransfer: isSet(row.accept_session_transfer),
    ssoGroup: row.sso_group,
    deviceCode: isSet(row.device_code),
    accessTokenTtl: row.access_token_ttl,
    idTokenTtl: row.id_token_ttl,
    refreshRetryWindow: row.refresh_retry_window,
    sessionIdleTtl: row.session_idle_ttl,
    sessionAbsoluteTtl: row.session_absolute_ttl,
    userAttributes: parse<AttributeDefinition[]>(row.user_attributes),
    postLogoutRedirectUris: parse<string[]>(row.post_logout_redirect_uris),
    scopes: parse<string[]>(row.scopes),
    admin: row.admin,
    createdAt: row.created_at,
  };
}
