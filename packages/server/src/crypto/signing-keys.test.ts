import { randomBytes } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signJwt } from './jwt-signer.js';
import { MasterKey } from './master-key.js';
import { generateSealedKeyPair, openPrivateKey } from './signing-keys.js';

const masterKey = MasterKey.fromString(randomBytes(32).toString('base64'));

describe.each(['ES256', 'RS256'] as const)('a sealed %s key pair', (alg) => {
  it('opens, for its own tenant and kid, to the private key of its public JWK', async () => {
    const pair = await generateSealedKeyPair('tenant-1', alg, masterKey);
    const privateKey = openPrivateKey({ tenantId: 'tenant-1', ...pair }, masterKey);
    const token = signJwt({ sub: 'user-1' }, { kid: pair.kid, alg, privateKey });
    const { payload } = await jwtVerify(token, await importJWK(pair.publicJwk, alg));
    expect(payload.sub).toBe('user-1');
  });

  it('does not open as the key of another tenant', async () => {
    const pair = await generateSealedKeyPair('tenant-1', alg, masterKey);
    expect(() => openPrivateKey({ tenantId: 'tenant-2', ...pair }, masterKey)).toThrow();
  });
});
