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

/** Checked proof headers kept, one per device key in use. */
const maxKeptHeaders = 10_000;
/**
 * Longer headers are checked every time, not kept: anyone can send a header with a key of
 * their own, unsigned, so the memory kept is held to this size each (an RSA-4096 key's
 * header is about 1,000 characters; an ES256 one about 250).
 */
const maxKeptHeaderLength = 2048;

/**
 * RFC 9449 proof checks: a `dpop+jwt` signed by the public key in its own header, for this
 * method and URL, recent, and never seen before on any instance (`jti` recorded in the
 * database). Returns the key's RFC 7638 thumbprint, which tokens are bound to.
 */
export class DpopProofVerifier {
  /** Checked headers by their encoding (see headerOf): importing a key cost more than verifying a proof with it. */
  private readonly headers = new Map<string, CheckedHeader>();

  constructor(
    private readonly replay: DpopReplayRepository,
    private readonly clock: Clock,
  ) {}

  async verify(proof: string, request: DpopRequest): Promise<string> {
    const parts = proof.split('.');
    const [encodedHeader = '', encodedPayload = '', encodedSignature = ''] = parts;
    if (parts.length !== 3) throw refuse('The DPoP proof is not a JWT');
    const { alg, jkt, key } = this.headerOf(encodedHeader);
    const signature = base64url.test(encodedSignature) ? Buffer.from(encodedSignature, 'base64url') : undefined;
    const payload = jsonObject(encodedPayload);
    if (!signature || !payload || !jwsSignatureValid(alg, key, `${encodedHeader}.${encodedPayload}`, signature))
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
    if (
      typeof payload.htu !== 'string' ||
      (payload.htu !== request.url && normalize(payload.htu) !== normalize(request.url))
    )
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
      // Whole seconds: an iat with a fraction would not fit PostgreSQL's bigint column.
      (Math.floor(payload.iat) + dpopPolicy.maxAgeSeconds + dpopPolicy.futureSkewSeconds) * 1000,
      now,
    );
    if (!fresh) throw refuse('The DPoP proof was already used (replayed jti)');
    return jkt;
  }

  /**
   * The checked header of a proof: its algorithm, its key's thumbprint and the key, imported.
   * A device signs every proof with the same key, so every proof it sends has the same
   * header; decoding, checking and importing it is done once per encoded header, which
   * determines all three.
   */
  private headerOf(encodedHeader: string): CheckedHeader {
    if (encodedHeader.length > maxKeptHeaderLength) return checkHeader(encodedHeader);
    let checked = this.headers.get(encodedHeader);
    if (!checked) {
      checked = checkHeader(encodedHeader);
      if (this.headers.size >= maxKeptHeaders) this.headers.delete(this.headers.keys().next().value!);
      this.headers.set(encodedHeader, checked);
    }
    return checked;
  }
}

interface CheckedHeader {
  alg: ProofAlgorithm;
  jkt: string;
  key: KeyObject;
}

/** A proof's header as RFC 9449 wants it (typ, a public jwk, an accepted alg, nothing critical), or a refusal. */
function checkHeader(encodedHeader: string): CheckedHeader {
  const header = jsonObject(encodedHeader);
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
  try {
    return {
      alg: alg as ProofAlgorithm,
      jkt,
      key: publicKeyFor(alg as ProofAlgorithm, jwk as Record<string, unknown>),
    };
  } catch {
    throw refuse('The DPoP proof signature or algorithm is not acceptable');
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
