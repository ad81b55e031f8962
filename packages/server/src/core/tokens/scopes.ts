import { assertThat, BatonError } from '../errors.js';

/** Scopes every user sign-in is granted: the client always gets an ID and a refresh token (MSAL needs both). */
export const oidcScopes = ['openid', 'profile', 'offline_access'] as const;
const oidcScopeSet = new Set<string>(oidcScopes);

/**
 * The scope of the account API (`{tenant}/account/v1`): a user's token carrying it may list
 * and end that user's own sessions. Any app may ask for it at sign-in, as for any scope.
 */
export const accountScope = 'baton.account';

/** Why `scope` is not one scope token (RFC 6749 §3.3: printable ASCII but space, `"` and `\\`), or null when it is. */
export function scopeProblem(scope: string): string | null {
  return /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope) && scope.length <= 256 ? null : `"${scope}" is not a valid scope`;
}

/** Parses a space-separated scope parameter (RFC 6749 §3.3 syntax). */
export function parseScope(value: string | undefined): string[] {
  if (value === undefined) return [];
  const scopes = value.split(' ').filter(Boolean);
  for (const scope of scopes) {
    const problem = scopeProblem(scope);
    if (problem) throw new BatonError('malformed_scope', problem);
  }
  return [...new Set(scopes)];
}

/**
 * The scope `client_credentials` grants an app: what it asks for, each one registered with
 * it (`--scope`), or, when it asks for none, everything registered. A machine client
 * acts on its own authority, so nothing beyond its registration is ever granted.
 */
export function grantedAppScope(registered: readonly string[], requested: string[]): string {
  if (requested.length === 0) return registered.join(' ');
  for (const scope of requested)
    assertThat(
      registered.includes(scope),
      'scope_not_registered',
      `Scope "${scope}" is not registered for this app (baton app create --scope)`,
    );
  return requested.join(' ');
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
  for (const scope of requested)
    assertThat(
      grantedSet.has(scope) || oidcScopeSet.has(scope),
      'scope_not_granted',
      `Scope "${scope}" was not granted to this session`,
    );
  return grantedUserScope(requested.filter((s) => grantedSet.has(s) || oidcScopeSet.has(s)));
}
