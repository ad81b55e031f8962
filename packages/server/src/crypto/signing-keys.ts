import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { SigningAlgorithm } from './jwt-signer.js';
import type { MasterKey } from './master-key.js';

/** A new key pair: the public JWK named by its thumbprint, the private one sealed with the master key. */
export interface SealedKeyPair {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JWK;
  privateJwkSealed: string;
}

const sealContext = (tenantId: string, kid: string) => `signing-key:${tenantId}:${kid}`;

/** A new key pair for `alg` and one tenant, its private half sealed with the master key. */
export async function generateSealedKeyPair(
  tenantId: string,
  alg: SigningAlgorithm,
  masterKey: MasterKey,
): Promise<SealedKeyPair> {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = pair.privateKey.export({ format: 'jwk' });
  return {
    kid,
    alg,
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    privateJwkSealed: masterKey.encrypt(JSON.stringify(privateJwk), sealContext(tenantId, kid)),
  };
}

/** The private key of the tenant's key `kid`, as `generateSealedKeyPair` sealed it. */
export function openPrivateKey(
  sealed: { tenantId: string; kid: string; privateJwkSealed: string },
  masterKey: MasterKey,
): KeyObject {
  return createPrivateKey({
    key: JSON.parse(masterKey.decrypt(sealed.privateJwkSealed, sealContext(sealed.tenantId, sealed.kid))),
    format: 'jwk',
  });
}
