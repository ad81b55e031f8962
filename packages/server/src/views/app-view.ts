import type { App } from '../core/model.js';

/**
 * An app registration as `baton app list --json` and the management API show it, in
 * snake_case: everything but the secret's digest. Its secret is shown once, by whoever
 * creates the app, and never again.
 */
export function appView(app: App) {
  return {
    client_id: app.clientId,
    name: app.name,
    type: app.type,
    challenge_types: app.challengeTypes,
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    allowed_origins: app.allowedOrigins,
    require_mfa: app.requireMfa,
    mfa_registration: app.mfaRegistration,
    allow_refresh_token_export: app.allowRefreshTokenExport,
    allow_session_transfer: app.allowSessionTransfer,
    accept_session_transfer: app.acceptSessionTransfer,
    sso_group: app.ssoGroup,
    device_code: app.deviceCode,
    scopes: app.scopes,
    admin: app.admin,
    attributes: app.userAttributes,
    access_token_ttl: app.accessTokenTtl,
    id_token_ttl: app.idTokenTtl,
    refresh_retry_window: app.refreshRetryWindow,
    session_idle_ttl: app.sessionIdleTtl,
    session_absolute_ttl: app.sessionAbsoluteTtl,
    created_at: new Date(app.createdAt).toISOString(),
  };
}
