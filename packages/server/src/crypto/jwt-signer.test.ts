import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { signJwt, type SigningAlgorithm } from './jwt-signer.js';

const keyPair = (alg: SigningAlgorithm) =>
  alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });

describe.each(['ES256', 'RS256'] as const)('signJwt with %s', (alg) => {
  const { privateKey, publicKey } = keyPair(alg);
  const key = { kid: `kid-${alg}`, alg, privateKey };
  const verificationKey = async () => importJWK(publicKey.export({ format: 'jwk' }) as JWK, alg);
  const payload = {
    iss: 'https://baton.test/acme/v2.0',
    sub: 'user-1',
    aud: 'client-1',
    exp: Math.floor(Date.now() / 1000) + 60,
    name: 'Zoë',
  };

  it('makes a token jose verifies against the public JWK, with the header it was asked for', async () => {
    const token = signJwt(payload, key);
    const { payload: verified, protectedHeader } = await jwtVerify(token, await verificationKey(), {
      algorithms: [alg],
      issuer: payload.iss,
      audience: 'client-1',
    });
    expect(verified).toEqual(payload);
    expect(protectedHeader).toEqual({ alg, kid: key.kid, typ: 'JWT' });
  });

  it('writes the type it is given', () => {
    expect(decodeProtectedHeader(signJwt(payload, key, 'at+jwt')).typ).toBe('at+jwt');
  });

  it('makes a signature that fails once the payload is changed', async () => {
    const [header, , signature] = signJwt(payload, key).split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, sub: 'admin' })).toString('base64url');
    await expect(jwtVerify(`${header}.${forged}.${signature}`, await verificationKey())).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });
});
