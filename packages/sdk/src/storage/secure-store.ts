import type { JWK } from 'jose';
import type { WebCryptoKey } from '../platform.js';

export interface KeyPair {
  publicKey: WebCryptoKey;
  privateKey: WebCryptoKey;
}

/** P-256 key pairs the SDK uses: ECDSA signs DPoP proofs, ECDH decrypts handoff messages. */
export type KeyPairKind = 'ECDSA' | 'ECDH';

/**
 * Where the SDK keeps what must survive a restart: the session (tokens), the
 * installation id and the key pairs. Implementations decide how secrets are protected at
 * rest; each `set` replaces one value atomically, so a rotated refresh token is either
 * fully stored or not at all.
 */
export interface SecureStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * The named key pair, created on first use. Its private key is non-extractable where
   * the platform can persist such keys (memory, IndexedDB); see each store.
   */
  keyPair(name: string, kind: KeyPairKind): Promise<KeyPair>;
  deleteKeyPair(name: string): Promise<void>;
}

const algorithms = {
  ECDSA: { algorithm: { name: 'ECDSA', namedCurve: 'P-256' }, privateUsages: ['sign'], publicUsages: ['verify'] },
  ECDH: { algorithm: { name: 'ECDH', namedCurve: 'P-256' }, privateUsages: ['deriveBits'], publicUsages: [] },
} as const;

export async function generateKeyPair(kind: KeyPairKind, extractable: boolean): Promise<KeyPair> {
  const { algorithm, privateUsages, publicUsages } = algorithms[kind];
  return (await globalThis.crypto.subtle.generateKey(algorithm, extractable, [
    ...privateUsages,
    ...publicUsages,
  ])) as KeyPair;
}

/** A key pair from JWKs (the Node file store's form at rest); the private key is non-extractable once imported. */
export async function importKeyPair(kind: KeyPairKind, privateJwk: JWK, publicJwk: JWK): Promise<KeyPair> {
  const { algorithm, privateUsages, publicUsages } = algorithms[kind];
  const subtle = globalThis.crypto.subtle;
  return {
    privateKey: await subtle.importKey('jwk', privateJwk, algorithm, false, [...privateUsages]),
    publicKey: await subtle.importKey('jwk', publicJwk, algorithm, true, [...publicUsages]),
  } as KeyPair;
}

export async function exportJwk(key: WebCryptoKey): Promise<JWK> {
  return (await globalThis.crypto.subtle.exportKey('jwk', key)) as JWK;
}
