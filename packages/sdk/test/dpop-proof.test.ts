import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DpopSigner, MemoryStore } from '../src/index.js';

describe('DPoP proofs (RFC 9449)', () => {
  it('are dpop+jwt ES256 with the public key only, htm/htu/iat/jti, ath for resource requests, a new jti each time', async () => {
    const keys = await new MemoryStore().keyPair('dpop', 'ECDSA');
    expect(keys.privateKey.extractable).toBe(false);
    const signer = await DpopSigner.create(keys, () => Date.UTC(2030, 0, 1));
    const proof = await signer.proof({
      method: 'get',
      url: 'https://api.example.com/orders/1?expand=lines#top',
      accessToken: 'the-access-token',
    });
    const header = decodeProtectedHeader(proof);
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' });
    expect(Object.keys(header.jwk!).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    const { payload } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      currentDate: new Date(Date.UTC(2030, 0, 1)),
    });
    expect(payload).toMatchObject({
      htm: 'GET',
      htu: 'https://api.example.com/orders/1',
      iat: Date.UTC(2030, 0, 1) / 1000,
      ath: createHash('sha256').update('the-access-token').digest('base64url'),
    });
    expect(payload.jti).toEqual(expect.any(String));
    const another = await signer.proof({ method: 'POST', url: 'https://id.example.com/acme/oauth2/v2.0/token' });
    const next = (await jwtVerify(another, EmbeddedJWK, { currentDate: new Date(Date.UTC(2030, 0, 1)) })).payload;
    expect(next.jti).not.toBe(payload.jti);
    expect(next.ath).toBeUndefined();
    expect(await signer.thumbprint()).toBe(await calculateJwkThumbprint(header.jwk!));
  });
});
