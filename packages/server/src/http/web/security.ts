import type {} from '@fastify/cookie';
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hmac, randomToken, safeEqual } from '../../crypto/digest.js';
import { BatonError } from '../../core/errors.js';

/** The browser SSO cookie and the CSRF cookie, both scoped to one tenant's paths. */
export const ssoCookie = 'baton_sso';
const csrfCookie = 'baton_csrf';

/**
 * Cookie flags: HttpOnly, SameSite=Lax (the SSO cookie must come along on the top-level
 * redirect back from an app), Secure whenever the public URL is https. Over plain-http
 * development URLs browsers drop Secure cookies, so it is left off there.
 */
export function cookieOptions(tenantName: string, publicUrl: string) {
  return { path: `/${tenantName}`, httpOnly: true, sameSite: 'lax' as const, secure: publicUrl.startsWith('https://') };
}

/**
 * Headers of every hosted page: a strict CSP (no script at all; styles only from Baton's
 * stylesheet and the nonce-tagged theme; forms post only to Baton and, for the redirect
 * that follows a form, the app's redirect origin), no framing, no caching, no referrer.
 */
export function securePage(reply: FastifyReply, formTargets: string[] = []): string {
  const nonce = randomBytes(16).toString('base64');
  reply
    .header(
      'content-security-policy',
      [
        "default-src 'none'",
        `style-src 'self' 'nonce-${nonce}'`,
        "img-src 'self' https:",
        `form-action 'self' ${formTargets.join(' ')}`.trim(),
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].join('; '),
    )
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8');
  return nonce;
}

/**
 * Double-submit CSRF protection, keyed: a random cookie, and in every form an HMAC of it
 * under a server key, so a cookie planted from a sibling domain is useless without the key.
 */
export class Csrf {
  constructor(private readonly key: Buffer) {}

  /** The form token for this browser, setting the cookie the first time. */
  token(request: FastifyRequest, reply: FastifyReply, tenantName: string, publicUrl: string): string {
    let value = request.cookies[csrfCookie];
    if (!value) {
      value = randomToken();
      reply.setCookie(csrfCookie, value, { ...cookieOptions(tenantName, publicUrl), sameSite: 'strict' });
      request.cookies[csrfCookie] = value;
    }
    return hmac(this.key, value);
  }

  /** Refuses a form post whose token does not match this browser's cookie. */
  verify(request: FastifyRequest, submitted: string | undefined): void {
    const value = request.cookies[csrfCookie];
    if (!value || !submitted || !safeEqual(hmac(this.key, value), submitted)) {
      throw new BatonError(
        'untrusted_form',
        'The form has expired or did not come from this site; go back and try again',
      );
    }
  }
}
