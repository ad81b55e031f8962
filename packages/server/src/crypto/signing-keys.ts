import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, type JWK, type JSONWebKeySet } from 'jose';
import type { Clock } from '../core/clock.js';
import type { SigningAlgorithm, SigningKey } from '../core/model.js';
import type { SigningKeyRepository } from '../core/ports.js';
import { signJwt } from './jwt-signer.js';
import type { MasterKey } from './master-key.js';

const sealContext = (tenantId: string, kid: string) => `signing-key:${tenantId}:${kid}`;

/** A new key pair for `alg`, its private half sealed with the master key. */
export async function generateSigningKey(
  tenantId: string,
  alg: SigningAlgorithm,
  masterKey: MasterKey,
  now: number,
): Promise<SigningKey> {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = pair.privateKey.export({ format: 'jwk' });
  return {
    kid,
    tenantId,
    alg,
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    privateJwkSealed: masterKey.encrypt(JSON.stringify(privateJwk), sealContext(tenantId, kid)),
    status: 'active',
    createdAt: now,
    retiredAt: null,
    expiresAt: null,
  };
}

interface ActiveKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
}

/**
 * Signs with a tenant's active key and publishes its JWKS. Keys come from the repository
 * on every use, which answers from memory only while nothing can have changed them, so a
 * rotation by any instance or by `baton keys rotate` takes effect at once; the decrypted
 * private keys are cached here, by kid.
 */
export class KeyRing {
  private readonly privateKeys = new Map<string, KeyObject>();

  constructor(
    private readonly keys: SigningKeyRepository,
    private readonly masterKey: MasterKey,
    private readonly clock: Clock,
  ) {}

  /** A signing function bound to the tenant's current key, for the tokens of one response. */
  async signer(tenantId: string): Promise<(payload: Record<string, unknown>, typ?: string) => string> {
    const key = await this.active(tenantId);
    return (payload, typ) => signJwt(payload, key, typ);
  }

  async jwks(tenantId: string): Promise<JSONWebKeySet> {
    const keys = await this.keys.listPublished(tenantId, this.clock.now());
    return { keys: keys.map((k) => k.publicJwk as JWK) };
  }

  /** A key resolver for jose's `jwtVerify` over the tenant's published keys. */
  async verifier(tenantId: string) {
    return createLocalJWKSet(await this.jwks(tenantId));
  }

  private async active(tenantId: string): Promise<ActiveKey> {
    const published = await this.keys.listPublished(tenantId, this.clock.now());
    const key = published.find((k) => k.status === 'active');
    if (!key) throw new Error(`Tenant ${tenantId} has no active signing key`);
    let privateKey = this.privateKeys.get(key.kid);
    if (!privateKey) {
      privateKey = createPrivateKey({
        key: JSON.parse(this.masterKey.decrypt(key.privateJwkSealed, sealContext(tenantId, key.kid))),
        format: 'jwk',
      });
      this.privateKeys.set(key.kid, privateKey);
    }
    return { kid: key.kid, alg: key.alg, privateKey };
  }
}
