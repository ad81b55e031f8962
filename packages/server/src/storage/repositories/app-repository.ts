import type { Kysely, Selectable } from 'kysely';
import type { App, AppType, AttributeDefinition, ChallengeType, MfaRegistration } from '../../core/model.js';
import type { AppRepository } from '../../core/ports.js';
import type { AppsTable, Database } from '../schema.js';
import { flag, isSet, json, parse } from './rows.js';

export function appRepository(db: Kysely<Database>): AppRepository {
  return {
    async create(a) {
      await db
        .insertInto('apps')
        .values({
          client_id: a.clientId,
          tenant_id: a.tenantId,
          name: a.name,
          type: a.type,
          secret_digest: a.secretDigest,
          challenge_types: json(a.challengeTypes),
          redirect_uris: json(a.redirectUris),
          allowed_origins: json(a.allowedOrigins),
          require_mfa: flag(a.requireMfa),
          mfa_registration: a.mfaRegistration,
          allow_refresh_token_export: flag(a.allowRefreshTokenExport),
          allow_session_transfer: flag(a.allowSessionTransfer),
          accept_session_transfer: flag(a.acceptSessionTransfer),
          access_token_ttl: a.accessTokenTtl,
          id_token_ttl: a.idTokenTtl,
          refresh_retry_window: a.refreshRetryWindow,
          session_idle_ttl: a.sessionIdleTtl,
          session_absolute_ttl: a.sessionAbsoluteTtl,
          user_attributes: json(a.userAttributes),
          post_logout_redirect_uris: json(a.postLogoutRedirectUris),
          scopes: json(a.scopes),
          created_at: a.createdAt,
        })
        .execute();
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

function toApp(row: Selectable<AppsTable>): App {
  return {
    clientId: row.client_id,
    tenantId: row.tenant_id,
    name: row.name,
    type: row.type as AppType,
    secretDigest: row.secret_digest,
    challengeTypes: parse<ChallengeType[]>(row.challenge_types),
    redirectUris: parse<string[]>(row.redirect_uris),
    allowedOrigins: parse<string[]>(row.allowed_origins),
    requireMfa: isSet(row.require_mfa),
    mfaRegistration: row.mfa_registration as MfaRegistration,
    allowRefreshTokenExport: isSet(row.allow_refresh_token_export),
    allowSessionTransfer: isSet(row.allow_session_transfer),
    acceptSessionTransfer: isSet(row.accept_session_transfer),
    accessTokenTtl: row.access_token_ttl,
    idTokenTtl: row.id_token_ttl,
    refreshRetryWindow: row.refresh_retry_window,
    sessionIdleTtl: row.session_idle_ttl,
    sessionAbsoluteTtl: row.session_absolute_ttl,
    userAttributes: parse<AttributeDefinition[]>(row.user_attributes),
    postLogoutRedirectUris: parse<string[]>(row.post_logout_redirect_uris),
    scopes: parse<string[]>(row.scopes),
    createdAt: row.created_at,
  };
}
