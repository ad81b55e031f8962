import { generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jwsSignatureValid, type ProofAlgorithm, publicKeyFor } from './jws-verify.js';

const input = 'eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiJhIn0';

function keyPair(alg: ProofAlgorithm) {
  switch (alg) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ES384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
    default:
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
  }
}

function signed(alg: ProofAlgorithm, privateKey: KeyObject): Buffer {
  const data = Buffer.from(input);
  if (alg === 'ES256') return sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  if (alg === 'ES384') return sign('sha384', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  if (alg === 'PS256')
    return sign('sha256', data, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  if (alg === 'EdDSA') return sign(null, data, privateKey);
  return sign('sha256', data, privateKey);
}

describe('JWS verification with node:crypto', () => {
  it.each(['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] as const)('accepts %s and refuses it tampered', (alg) => {
    const { privateKey, publicKey } = keyPair(alg);
    const key = publicKeyFor(alg, publicKey.export({ format: 'jwk' }));
    const signature = signed(alg, privateKey);
    expect(jwsSignatureValid(alg, key, input, signature)).toBe(true);
    expect(jwsSignatureValid(alg, key, `${input}x`, signature)).toBe(false);
    expect(jwsSignatureValid(alg, key, input, signature.subarray(1))).toBe(false);
  });

  it('refuses a key of another type or curve than the algorithm needs', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    expect(() => publicKeyFor('ES384', p256)).toThrow('ES384 needs a EC P-384 key');
    expect(() => publicKeyFor('RS256', p256)).toThrow('RS256 needs a RSA key');
  });

  it('refuses a private key and an RSA modulus under 2048 bits', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    expect(() => publicKeyFor('ES256', ec)).toThrow('private key');
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(() => publicKeyFor('RS256', short)).toThrow('at least 2048 bits');
  });
});
