import { createHash } from 'node:crypto';
import { safeEqual } from '../../crypto/digest.js';

/** A PKCE code challenge or verifier: 43-128 characters of base64url (RFC 7636 §4.1). */
export const pkceValue = /^[A-Za-z0-9._~-]{43,128}$/;

/** Whether `verifier` is well formed and hashes (S256) to `challenge`. */
export function verifierMatches(verifier: string | undefined, challenge: string): boolean {
  if (!verifier || !pkceValue.test(verifier)) return false;
  return safeEqual(createHash('sha256').update(verifier).digest('base64url'), challenge);
}
