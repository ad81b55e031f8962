import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { TestServer } from './test-server.js';

/**
 * Verifies a JWT the way a relying party does: signature against the tenant's published
 * JWKS (fetched fresh, so a rotation is seen at once), issuer, audience, lifetime.
 */
export async function verifyTenantJwt(t: TestServer, token: string, options: { audience?: string; typ?: string } = {}) {
  const jwks = createRemoteJWKSet(new URL(`${t.base}/discovery/v2.0/keys`));
  return jwtVerify(token, jwks, {
    issuer: `${t.url}/${t.tenant.name}/v2.0`,
    audience: options.audience ?? t.app.clientId,
    currentDate: new Date(t.clock.now()),
    ...(options.typ ? { typ: options.typ } : {}),
  });
}

/** MSAL's `client_info`: base64url JSON `{uid, utid}`. */
export function decodeClientInfo(value: string): { uid: string; utid: string } {
  return JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
}

/** An `Authorization: Basic` header for client_secret_basic (RFC 6749 §2.3.1 encoding). */
export function basicAuth(clientId: string, secret: string): Record<string, string> {
  const encode = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return { authorization: `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}` };
}
