import { createHash } from 'node:crypto';
import { decodeProtectedHeader, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { digest } from '../../crypto/digest.js';
import { jwkThumbprint } from '../../crypto/jwk-thumbprint.js';
import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import type { DpopReplayRepository } from '../ports.js';

export const dpopPolicy = {
  /** How old a proof may be; watches and cars drift, so this is generous but bounded. */
  maxAgeSeconds: 120,
  /** How far in the future a proof's `iat` may be. */
  futureSkewSeconds: 60,
  algorithms: ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'],
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
  private readonly keys = new Map<string, Promise<CryptoKey | Uint8Array>>();

  constructor(
    private readonly replay: DpopReplayRepository,
    private readonly clock: Clock,
  ) {}

  async verify(proof: string, request: DpopRequest): Promise<string> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(proof);
    } catch {
      throw refuse('The DPoP proof is not a JWT');
    }
    const jwk = header.jwk as JWK | undefined;
    if (header.typ !== 'dpop+jwt') throw refuse('The DPoP proof must have typ "dpop+jwt"');
    if (!jwk || typeof jwk !== 'object' || 'd' in jwk || 'k' in jwk)
      throw refuse('The DPoP proof must carry its public key (jwk) and no private key');
    const alg = header.alg;
    if (!dpopPolicy.algorithms.some((allowed) => allowed === alg))
      throw refuse('The DPoP proof signature or algorithm is not acceptable');
    let jkt: string;
    try {
      jkt = jwkThumbprint(jwk as Record<string, unknown>);
    } catch {
      throw refuse("The DPoP proof's jwk is not a usable public key (EC, RSA or OKP)");
    }
    const now = this.clock.now();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(proof, await this.keyOf(alg!, jkt, jwk), {
        typ: 'dpop+jwt',
        algorithms: [alg!],
        currentDate: new Date(now),
      }));
    } catch {
      throw refuse('The DPoP proof signature or algorithm is not acceptable');
    }
    // Age is checked here, not by jose: its clockTolerance would stretch maxTokenAge by the future skew too.
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

  /** The proof's public key, imported for `alg`; a key that fails to import is not kept. */
  private keyOf(alg: string, jkt: string, jwk: JWK): Promise<CryptoKey | Uint8Array> {
    const id = `${alg} ${jkt}`;
    let key = this.keys.get(id);
    if (!key) {
      key = importJWK({ ...jwk, ext: true }, alg);
      key.catch(() => this.keys.delete(id));
      if (this.keys.size >= maxKeptKeys) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(id, key);
    }
    return key;
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
