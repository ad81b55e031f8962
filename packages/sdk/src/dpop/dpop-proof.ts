import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import { base64url, randomId } from '../platform.js';
import { exportJwk, type KeyPair } from '../storage/secure-store.js';

export interface ProofRequest {
  method: string;
  url: string;
  /** For requests to a resource server: the access token the proof is bound to (`ath`). */
  accessToken?: string;
}

/**
 * RFC 9449 proofs signed with one ECDSA P-256 key whose private half cannot leave
 * WebCrypto. Every proof is new (`jti`), names the method and the URL without query or
 * fragment, and for resource requests carries the hash of the access token.
 */
export class DpopSigner {
  private constructor(
    private readonly keys: KeyPair,
    readonly publicJwk: JWK,
    private readonly now: () => number,
  ) {}

  static async create(keys: KeyPair, now: () => number): Promise<DpopSigner> {
    const { kty, crv, x, y } = await exportJwk(keys.publicKey);
    return new DpopSigner(keys, { kty, crv, x, y } as JWK, now);
  }

  /** RFC 7638 thumbprint of the public key: what the server binds tokens to (`cnf.jkt`). */
  thumbprint(): Promise<string> {
    return calculateJwkThumbprint(this.publicJwk);
  }

  async proof(request: ProofRequest): Promise<string> {
    const target = new URL(request.url);
    const claims: Record<string, unknown> = {
      htm: request.method.toUpperCase(),
      htu: `${target.origin}${target.pathname}`,
      iat: Math.floor(this.now() / 1000),
      jti: randomId(16),
    };
    if (request.accessToken !== undefined) claims.ath = await sha256(request.accessToken);
    return new SignJWT(claims)
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: this.publicJwk })
      .sign(this.keys.privateKey);
  }
}

async function sha256(text: string): Promise<string> {
  return base64url(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}
