import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type JsonWebKey } from 'node:crypto';

/** A P-256 private key as a JWK: it travels to the load worker inside the JSON spec. */
export function newDpopKey(): JsonWebKey {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Makes fresh RFC 9449 proofs for POSTs to `htu` (typ dpop+jwt, ES256, the public jwk in
 * the header, iat now, a new jti each), synchronously: autocannon's setupRequest cannot wait.
 */
export function dpopProver(privateJwk: JsonWebKey, htu: string): () => string {
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const { kty, crv, x, y } = privateJwk;
  const header = encode({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } });
  return () => {
    const input = `${header}.${encode({ htm: 'POST', htu, iat: Math.floor(Date.now() / 1000), jti: randomUUID() })}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
}
