import { assertThat } from '../errors.js';

/** Scopes every user sign-in is granted: the client always gets an ID and a refresh token (MSAL needs both). */
export const oidcScopes = ['openid', 'profile', 'offline_access'] as const;
const oidcScopeSet = new Set<string>(oidcScopes);

/** Parses a space-separated scope parameter (RFC 6749 §3.3 syntax). */
export function parseScope(value: string | undefined): string[] {
  if (value === undefined) return [];
  const scopes = value.split(' ').filter(Boolean);
  for (const s of scopes) assertThat(/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s) && s.length <= 256, 'invalid_scope', `"${s}" is not a valid scope`);
  return [...new Set(scopes)];
}

/** The scope a user sign-in grants: what was asked for plus the OpenID scopes, deduplicated. */
export function grantedUserScope(requested: string[]): string {
  return [...new Set([...requested, ...oidcScopes])].join(' ');
}

/**
 * On refresh the client may narrow the scope, never widen it (RFC 6749 §6). The OpenID
 * scopes are always part of a user grant, so asking for them again is not widening.
 */
export function narrowScope(granted: string, requested: string[]): string {
  if (requested.length === 0) return granted;
  const grantedSet = new Set(granted.split(' '));
  for (const s of requested) assertThat(grantedSet.has(s) || oidcScopeSet.has(s), 'invalid_scope', `Scope "${s}" was not granted to this session`);
  return grantedUserScope(requested.filter((s) => grantedSet.has(s) || oidcScopeSet.has(s)));
}
