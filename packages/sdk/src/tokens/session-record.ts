import { decodeJwt } from 'jose';
import { BatonSdkError } from '../errors.js';

/** One signed-in session as the store keeps it (JSON under `baton.session:<client_id>`). */
export interface SessionRecord {
  version: 1;
  accessToken: string;
  tokenType: 'Bearer' | 'DPoP';
  /** Epoch ms. */
  expiresAt: number;
  /** The access token's lifetime, ms: the refresh margin is a share of it. */
  lifetimeMs: number;
  refreshToken: string;
  idToken: string;
  scope: string;
  /** The server said this app's registration allows raw refresh-token export. */
  refreshTokenExport: boolean;
  /** The session's tokens are bound to this store's DPoP key. */
  dpopBound: boolean;
  claims: AccountClaims;
}

export interface AccountClaims {
  userId: string;
  username: string;
  name?: string;
  tenantId: string;
  sessionId?: string;
}

/**
 * A session record from a token response. The ID token comes straight from the token
 * endpoint over the connection the SDK opened, so its claims are read, not verified
 * (OIDC Core 3.1.3.7 allows this for direct token responses).
 */
export function recordFrom(body: Record<string, unknown>, now: number): SessionRecord {
  const { access_token, refresh_token, id_token, expires_in, token_type, scope } = body;
  if (
    typeof access_token !== 'string' ||
    typeof refresh_token !== 'string' ||
    typeof id_token !== 'string' ||
    typeof expires_in !== 'number' ||
    expires_in <= 0
  ) {
    throw new BatonSdkError(
      'invalid_response',
      'The token response lacks an access, refresh or ID token, or a positive expires_in',
    );
  }
  if (token_type !== 'Bearer' && token_type !== 'DPoP')
    throw new BatonSdkError('invalid_response', `Unexpected token_type ${String(token_type)}`);
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(id_token);
  } catch (cause) {
    throw new BatonSdkError('invalid_response', 'The ID token is not a JWT', { cause });
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    version: 1,
    accessToken: access_token,
    tokenType: token_type,
    expiresAt: now + expires_in * 1000,
    lifetimeMs: expires_in * 1000,
    refreshToken: refresh_token,
    idToken: id_token,
    scope: str(scope) ?? '',
    refreshTokenExport: body.refresh_token_export === 'allowed',
    dpopBound: token_type === 'DPoP',
    claims: {
      userId: str(claims.oid) ?? str(claims.sub) ?? '',
      username: str(claims.preferred_username) ?? str(claims.email) ?? '',
      tenantId: str(claims.tid) ?? '',
      ...(str(claims.name) ? { name: str(claims.name)! } : {}),
      ...(str(claims.sid) ? { sessionId: str(claims.sid)! } : {}),
    },
  };
}
