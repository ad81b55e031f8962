import { tokenTypes, type TokenResponse } from '@baton/protocol';
import type { IssuedTokens } from '../../core/tokens/issued-tokens.js';
import type { Exchanged } from '../../oauth/grants/grant.js';

/** The token endpoint's answer for a token set, as OAuth, Entra and MSAL read it. */
export function tokenResponse(tokens: IssuedTokens): TokenResponse {
  return {
    token_type: tokens.tokenType,
    access_token: tokens.accessToken,
    expires_in: tokens.expiresIn,
    ext_expires_in: tokens.expiresIn,
    scope: tokens.scope,
    ...(tokens.refreshToken !== undefined ? { refresh_token: tokens.refreshToken } : {}),
    ...(tokens.idToken !== undefined ? { id_token: tokens.idToken } : {}),
    ...(tokens.userId !== undefined ? { client_info: clientInfo(tokens.userId, tokens.tenantId) } : {}),
    // Tells Baton's SDK the registration allows exportRefreshToken() (its own opt-in is still needed).
    ...(tokens.refreshTokenExport ? { refresh_token_export: 'allowed' as const } : {}),
    ...(tokens.deviceSecret !== undefined ? { device_secret: tokens.deviceSecret } : {}),
  };
}

/**
 * RFC 8693's answer, naming what was issued: a session transfer token (not an access token,
 * `N_A`, so nothing comes with it), or a new session's tokens.
 */
export function exchangeResponse(exchanged: Exchanged): TokenResponse {
  if (exchanged.kind === 'exchanged_tokens')
    return { ...tokenResponse(exchanged.tokens), issued_token_type: tokenTypes.accessToken };
  return {
    access_token: exchanged.token,
    issued_token_type: tokenTypes.sessionTransferToken,
    token_type: 'N_A',
    expires_in: exchanged.expiresIn,
  };
}

/** MSAL's account key: base64url of `{"uid", "utid"}`, matching the ID token's `oid` and `tid`. */
function clientInfo(userId: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: userId, utid: tenantId })).toString('base64url');
}
