import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import { AuthError, proofAlgorithms } from './auth-error.js';
import type { ReplayCache } from './replay-cache.js';

/** How old a proof may be, and how far ahead of this server's clock: watches and cars drift. */
export const proofWindow = { maxAgeSeconds: 120, futureSkewSeconds: 60 };

export interface ProofRequest {
  method: string;
  /** The URL the client addressed, without query or fragment. */
  url: string;
  /** The access token presented with the proof. */
  accessToken: string;
  /** The thumbprint the access token is bound to (`cnf.jkt`). */
  jkt: string;
}

const refuse = (description: string) => new AuthError('invalid_dpop_proof', description, 'DPoP');

/**
 * RFC 9449 §4.3 and §7.1: the proof is a `dpop+jwt` signed with an asymmetric algorithm by
 * the public key in its header; it names this method and URL, is recent, is bound to the
 * access token (`ath`), has not been seen before, and its key is the one the token is
 * bound to.
 */
export async function verifyDpopProof(
  proof: string,
  request: ProofRequest,
  replay: ReplayCache,
  now: number,
): Promise<void> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw refuse('The DPoP proof is not a JWT');
  }
  const jwk = header.jwk as JWK | undefined;
  if (header.typ !== 'dpop+jwt') throw refuse('The DPoP proof must have typ "dpop+jwt"');
  if (!jwk || typeof jwk !== 'object' || 'd' in jwk || 'k' in jwk)
    throw refuse('The DPoP proof must carry a public key (jwk) and nothing private');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: proofAlgorithms,
      currentDate: new Date(now),
    }));
  } catch {
    throw refuse('The DPoP proof signature or algorithm is not acceptable');
  }
  const { iat, htm, htu, jti, ath } = payload;
  if (typeof iat !== 'number') throw refuse('The DPoP proof needs an iat');
  if (iat * 1000 > now + proofWindow.futureSkewSeconds * 1000) throw refuse('The DPoP proof is issued in the future');
  if (iat * 1000 < now - proofWindow.maxAgeSeconds * 1000) throw refuse('The DPoP proof is too old');
  if (htm !== request.method) throw refuse(`The DPoP proof is for ${String(htm)}, not ${request.method}`);
  if (typeof htu !== 'string' || withoutQuery(htu) !== withoutQuery(request.url))
    throw refuse('The DPoP proof is for another URL (htu)');
  if (ath !== createHash('sha256').update(request.accessToken).digest('base64url'))
    throw refuse('The DPoP proof is not bound to this access token (ath)');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw refuse('The DPoP proof needs a jti');
  const jkt = await calculateJwkThumbprint(jwk);
  if (jkt !== request.jkt)
    throw refuse('The DPoP proof is signed by another key than the one the access token is bound to');
  const expiresAt = (iat + proofWindow.maxAgeSeconds + proofWindow.futureSkewSeconds) * 1000;
  if (!replay.remember(`${jkt}:${jti}`, expiresAt, now)) throw refuse('The DPoP proof was already used (replayed jti)');
}

/** Scheme, host and path: what `htu` is compared on (RFC 9449 §4.3, query and fragment ignored). */
function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '';
  }
}
