import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../crypto/jwk-thumbprint.js';
import { fixedClock } from '../clock.js';
import { expectRejection } from '../testing/domain-expectations.js';
import { inMemoryRepositories } from '../testing/in-memory-repositories.js';
import { DpopProofVerifier } from './dpop-proof-verifier.js';

const request = { method: 'POST', url: 'https://id.example.com/acme/oauth2/v2.0/token' };
const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A proof signed with node:crypto, so that headers jose will not sign (crit) can be made too. */
function proofWith(header: Record<string, unknown> = {}, claims: Record<string, unknown> = {}, now = Date.now()) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const input = `${part({ typ: 'dpop+jwt', alg: 'ES256', jwk, ...header })}.${part({
    htm: request.method,
    htu: request.url,
    jti: randomUUID(),
    iat: Math.floor(now / 1000),
    ...claims,
  })}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return { proof: `${input}.${signature.toString('base64url')}`, jkt: jwkThumbprint(jwk as Record<string, unknown>) };
}

describe('DpopProofVerifier', () => {
  let clock: ReturnType<typeof fixedClock>;
  let verifier: DpopProofVerifier;
  beforeEach(() => {
    clock = fixedClock();
    verifier = new DpopProofVerifier(inMemoryRepositories().dpopProofs, clock);
  });

  it("answers the key's thumbprint for a well-formed proof, once", async () => {
    const { proof, jkt } = proofWith({}, {}, clock.now());
    expect(await verifier.verify(proof, request)).toBe(jkt);
    await expectRejection(verifier.verify(proof, request), 'invalid_dpop_proof');
  });

  it.each([
    ['marks an extension critical', { crit: ['exp'] }, {}],
    ['is past its exp', {}, { exp: 1 }],
    ['is not valid yet (nbf)', {}, { nbf: 4_102_444_800 }],
  ])('refuses a proof that %s', async (_name, header, claims) => {
    await expectRejection(verifier.verify(proofWith(header, claims, clock.now()).proof, request), 'invalid_dpop_proof');
  });

  it.each([
    ['an ordinary header', {}],
    ['a header too long to be kept', { kid: 'k'.repeat(3000) }],
  ])(
    'checks every proof of a device whose proofs share %s: the same key passes each time, another key signing under that header never',
    async (_name, extra) => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const jwk = publicKey.export({ format: 'jwk' });
      const header = part({ typ: 'dpop+jwt', alg: 'ES256', jwk, ...extra });
      const signed = (key: typeof privateKey) => {
        const input = `${header}.${part({ htm: request.method, htu: request.url, jti: randomUUID(), iat: Math.floor(clock.now() / 1000) })}`;
        return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
      };
      const jkt = jwkThumbprint(jwk as Record<string, unknown>);
      expect(await verifier.verify(signed(privateKey), request)).toBe(jkt);
      await expectRejection(verifier.verify(signed(other), request), 'invalid_dpop_proof');
      expect(await verifier.verify(signed(privateKey), request)).toBe(jkt);
    },
  );

  it.each(['a.b', 'a.b.c.d', '!!.e30.AA', `${part([])}.${part({})}.AA`])(
    'refuses %j, which is no JWS',
    async (proof) => {
      await expectRejection(verifier.verify(proof, request), 'invalid_dpop_proof');
    },
  );
});
