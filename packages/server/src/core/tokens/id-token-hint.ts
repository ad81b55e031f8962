import { compactVerify } from 'jose';
import type { KeyRing } from '../../crypto/signing-keys.js';
import type { Tenant } from '../model.js';
import type { TokenIssuer } from './token-issuer.js';

/**
 * The app an `id_token_hint` was issued to, when Baton signed it for this tenant; null
 * for anything else. The signature and issuer are checked, the lifetime is not: a logout
 * hint is often an ID token that has long expired (OIDC RP-Initiated Logout §2).
 */
export async function hintedClient(keys: KeyRing, tokens: TokenIssuer, tenant: Tenant, hint: string): Promise<string | null> {
  try {
    const { payload } = await compactVerify(hint, await keys.verifier(tenant.id), { algorithms: ['ES256', 'RS256'] });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as { iss?: unknown; aud?: unknown };
    const aud: unknown = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    return claims.iss === tokens.issuer(tenant) && typeof aud === 'string' ? aud : null;
  } catch {
    return null;
  }
}
