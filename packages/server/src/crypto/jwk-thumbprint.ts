import { createHash } from 'node:crypto';

/** The members RFC 7638 hashes for each key type, in its lexicographic order. */
const requiredMembers: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK, base64url: what DPoP binds tokens to.
 * Computed synchronously; jose's calculateJwkThumbprint goes through WebCrypto and an
 * await, which cost more than the rest of a proof's bookkeeping.
 */
export function jwkThumbprint(jwk: Record<string, unknown>): string {
  const members = typeof jwk.kty === 'string' ? requiredMembers[jwk.kty] : undefined;
  if (!members) throw new TypeError('The JWK has no key type a thumbprint is defined for (EC, RSA, OKP)');
  const canonical: Record<string, string> = {};
  for (const member of members) {
    const value = jwk[member];
    if (typeof value !== 'string') throw new TypeError(`The JWK's "${member}" must be a string`);
    canonical[member] = value;
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}
