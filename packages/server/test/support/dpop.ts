import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A client's DPoP key pair, as a companion generates it at pairing. */
export interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** The RFC 7638 thumbprint of the public key: what tokens bound to it carry as `cnf.jkt`. */
  jkt: string;
}

export async function newDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
}

export interface ProofTarget {
  method: string;
  url: string;
  /** The clock's time in milliseconds; the proof's `iat` is taken from it. */
  now: number;
  /** At a resource: the access token the proof is bound to (`ath`). */
  accessToken?: string;
}

/**
 * What a malformed or hostile proof changes: header fields and claims replace the
 * well-formed ones (`undefined` removes a claim), and `hmacSecret` signs with HS256.
 */
export interface ProofTweaks {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  hmacSecret?: Uint8Array;
}

/** The `ath` claim: base64url SHA-256 of the access token (RFC 9449 §4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

/** A `dpop+jwt` proof for one request, signed with `key` and carrying its public JWK (RFC 9449 §4.2). */
export async function dpopProof(key: DpopKey, target: ProofTarget, tweaks: ProofTweaks = {}): Promise<string> {
  const claims: Record<string, unknown> = {
    htm: target.method,
    htu: target.url,
    jti: randomUUID(),
    iat: Math.floor(target.now / 1000),
    ...(target.accessToken !== undefined ? { ath: accessTokenHash(target.accessToken) } : {}),
    ...tweaks.claims,
  };
  const payload = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  const header = { typ: 'dpop+jwt', alg: tweaks.hmacSecret ? 'HS256' : 'ES256', jwk: key.publicJwk, ...tweaks.header };
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(tweaks.hmacSecret ?? key.privateKey);
}
