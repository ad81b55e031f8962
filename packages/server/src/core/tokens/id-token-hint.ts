import { compactVerify } from 'jose';
import type { KeyRing } from '../keys/key-ring.js';
import type { Tenant, User } from '../model.js';
import type { TokenIssuer } from './token-issuer.js';

/**
 * What an ID token Baton signed says: the app it was issued to, the user it is about, and
 * (Native SSO) the session it was issued in and the hash of the device's secret.
 */
export interface IdTokenHint {
  clientId: string;
  userId: string | null;
  sessionId: string | null;
  dsHash: string | null;
}

/**
 * What an `id_token_hint` says, when Baton signed it for this tenant; null for anything
 * else. The signature and issuer are checked, the lifetime is not: a logout hint is often
 * an ID token that has long expired (OIDC RP-Initiated Logout §2).
 */
export async function readIdTokenHint(
  keys: KeyRing,
  tokens: TokenIssuer,
  tenant: Tenant,
  hint: string,
): Promise<IdTokenHint | null> {
  try {
    const { payload } = await compactVerify(hint, await keys.verifier(tenant.id), { algorithms: ['ES256', 'RS256'] });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    const aud: unknown = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    if (claims.iss !== tokens.issuer(tenant) || typeof aud !== 'string') return null;
    return { clientId: aud, userId: text(claims.sub), sessionId: text(claims.sid), dsHash: text(claims.ds_hash) };
  } catch {
    return null;
  }
}

const text = (claim: unknown): string | null => (typeof claim === 'string' ? claim : null);

/**
 * Whether a logout may end `signedIn`'s browser session without asking: only on a hint
 * Baton signed, issued to the app `clientId` names (when it names one), about that very
 * user. Anything less could be a request forged by another site (logout CSRF), so the
 * person is asked first (OIDC RP-Initiated Logout §2, §6).
 */
export function hintVouchesForLogout(hint: IdTokenHint | null, signedIn: User, clientId: string | undefined): boolean {
  return hint !== null && hint.userId === signedIn.id && (clientId === undefined || clientId === hint.clientId);
}
