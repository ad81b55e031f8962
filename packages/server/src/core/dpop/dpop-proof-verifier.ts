import { createHash, type KeyObject } from 'node:crypto';
import { digest } from '../../crypto/digest.js';
import { jwsSignatureValid, type ProofAlgorithm, proofAlgorithms, publicKeyFor } from '../../crypto/jws-verify.js';
import { jwkThumbprint } from '../../crypto/jwk-thumbprint.js';
import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import type { DpopReplayRepository } from '../ports.js';

export const dpopPolicy = {
  /** How old a proof may be; watches and cars drift, so this is generous but bounded. */
  maxAgeSeconds: 120,
  /** How far in the future a proof's `iat` may be. */
  futureSkewSeconds: 60,
  algorithms: proofAlgorithms,
} as const;

export interface DpopRequest {
  method: string;
  /** The request URL without query or fragment, as the client addressed it. */
  url: string;
  /** For requests at a resource: the access token the proof must be bound to (`ath`). */
  accessToken?: string;
}

const refuse = (description: string) => new BatonError('invalid_dpop_proof', description);

/** Imported proof keys kept, by algorithm and thumbprint: a device signs every proof with the same key. */
const maxKeptKeys = 10_000;

/**
 * RFC 9449 proof checks: a `dpop+jwt` signed by the public key in its own header, for this
 * method and URL, recent, and never seen before on any instance (`jti` recorded in the
 * database). Returns the key's RFC 7638 thumbprint, which tokens are bound to.
 */
export class DpopProofVerifier {
  /**
   * Importing the proof's key cost more than verifying the proof with it; two JWKs with the
   * same thumbprint are the same public key, so the import is done once per key.
   */
  private readonly keys = new Map<string, KeyObject>();

  constructor(
    private readonly replay: DpopReplayRepository,
    private readonly clock: Clock,
  ) {}

  async verify(proof: string, request: DpopRequest): Promise<string> {
    const parts = proof.split('.');
    const [encodedHeader = '', encodedPayload = '', encodedSignature = ''] = parts;
    const header = parts.length === 3 ? jsonObject(encodedHeader) : undefined;
    if (!header) throw refuse('The DPoP proof is not a JWT');
    const jwk = header.jwk;
    if (header.typ !== 'dpop+jwt') throw refuse('The DPoP proof must have typ "dpop+jwt"');
    if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk) || 'd' in jwk || 'k' in jwk)
      throw refuse('The DPoP proof must carry its public key (jwk) and no private key');
    const alg = header.alg;
    // No extension is understood, so a proof that marks one critical (RFC 7515 §4.1.11) is refused.
    if (!proofAlgorithms.some((allowed) => allowed === alg) || 'crit' in header)
      throw refuse('The DPoP proof signature or algorithm is not acceptable');
    let jkt: string;
    try {
      jkt = jwkThumbprint(jwk as Record<string, unknown>);
    } catch {
      throw refuse("The DPoP proof's jwk is not a usable public key (EC, RSA or OKP)");
    }
    const key = this.keyOf(alg as ProofAlgorithm, jkt, jwk as Record<string, unknown>);
    const signature = base64url.test(encodedSignature) ? Buffer.from(encodedSignature, 'base64url') : undefined;
    const payload = jsonObject(encodedPayload);
    if (
      !key ||
      !signature ||
      !payload ||
      !jwsSignatureValid(alg as ProofAlgorithm, key, `${encodedHeader}.${encodedPayload}`, signature)
    )
      throw refuse('The DPoP proof signature or algorithm is not acceptable');
    const now = this.clock.now();
    if (typeof payload.exp === 'number' && payload.exp * 1000 <= now) throw refuse('The DPoP proof has expired');
    if (typeof payload.nbf === 'number' && payload.nbf * 1000 > now) throw refuse('The DPoP proof is not valid yet');
    if (typeof payload.iat !== 'number') throw refuse('The DPoP proof needs an iat');
    if (payload.iat * 1000 > now + dpopPolicy.futureSkewSeconds * 1000)
      throw refuse('The DPoP proof is issued in the future');
    if (payload.iat * 1000 < now - dpopPolicy.maxAgeSeconds * 1000)
      throw refuse(`The DPoP proof is older than ${dpopPolicy.maxAgeSeconds} seconds`);
    if (payload.htm !== request.method)
      throw refuse(`The DPoP proof is for ${String(payload.htm)}, not ${request.method}`);
    if (typeof payload.htu !== 'string' || normalize(payload.htu) !== normalize(request.url))
      throw refuse('The DPoP proof is for another URL (htu)');
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256)
      throw refuse('The DPoP proof needs a jti');
    if (
      request.accessToken !== undefined &&
      payload.ath !== createHash('sha256').update(request.accessToken).digest('base64url')
    ) {
      throw refuse('The DPoP proof is not bound to this access token (ath)');
    }
    const fresh = await this.replay.remember(
      digest(`${jkt}:${payload.jti}`),
      (payload.iat + dpopPolicy.maxAgeSeconds + dpopPolicy.futureSkewSeconds) * 1000,
      now,
    );
    if (!fresh) throw refuse('The DPoP proof was already used (replayed jti)');
    return jkt;
  }

  /** The proof's public key, imported for `alg`; undefined (and not kept) when it is not a key `alg` can use. */
  private keyOf(alg: ProofAlgorithm, jkt: string, jwk: Record<string, unknown>): KeyObject | undefined {
    const id = `${alg} ${jkt}`;
    let key = this.keys.get(id);
    if (!key) {
      try {
        key = publicKeyFor(alg, jwk);
      } catch {
        return undefined;
      }
      if (this.keys.size >= maxKeptKeys) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(id, key);
    }
    return key;
  }
}

const base64url = /^[A-Za-z0-9_-]+$/;

/** A JWS part that decodes to a JSON object, or undefined. */
function jsonObject(part: string): Record<string, unknown> | undefined {
  if (!base64url.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function normalize(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '';
  }
}
