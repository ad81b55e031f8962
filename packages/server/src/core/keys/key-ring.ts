import type { KeyObject } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, type JWK } from 'jose';
import { signJwt } from '../../crypto/jwt-signer.js';
import type { MasterKey } from '../../crypto/master-key.js';
import { generateSealedKeyPair, openPrivateKey } from '../../crypto/signing-keys.js';
import type { Clock } from '../clock.js';
import type { SigningAlgorithm, SigningKey } from '../model.js';
import type { SigningKeyRepository } from '../ports.js';

/** A new key for the tenant, active from `now` once stored. */
export async function generateSigningKey(
  tenantId: string,
  alg: SigningAlgorithm,
  masterKey: MasterKey,
  now: number,
): Promise<SigningKey> {
  const pair = await generateSealedKeyPair(tenantId, alg, masterKey);
  return { ...pair, tenantId, status: 'active', createdAt: now, retiredAt: null, expiresAt: null };
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
    const keys = await this.published(tenantId);
    return { keys: keys.map((key) => key.publicJwk as JWK) };
  }

  /** The keys that sign or still verify, newest first: the active one and retired ones not yet expired. */
  published(tenantId: string): Promise<SigningKey[]> {
    return this.keys.listPublished(tenantId, this.clock.now());
  }

  /** A key resolver for jose's `jwtVerify` over the tenant's published keys. */
  async verifier(tenantId: string) {
    return createLocalJWKSet(await this.jwks(tenantId));
  }

  private async active(tenantId: string): Promise<ActiveKey> {
    const published = await this.keys.listPublished(tenantId, this.clock.now());
    const key = published.find((candidate) => candidate.status === 'active');
    if (!key) throw new Error(`Tenant ${tenantId} has no active signing key`);
    let privateKey = this.privateKeys.get(key.kid);
    if (!privateKey) {
      privateKey = openPrivateKey(key, this.masterKey);
      this.privateKeys.set(key.kid, privateKey);
    }
    return { kid: key.kid, alg: key.alg, privateKey };
  }
}
