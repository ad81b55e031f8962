import { createHash } from 'node:crypto';

/** The scope that asks for a device secret (OpenID Connect Native SSO 1.0 §3.1), with `openid`. */
export const deviceSsoScope = 'device_sso';

/** Whether a granted scope carries Native SSO: `device_sso` and `openid` both. */
export function wantsDeviceSso(scope: string): boolean {
  const scopes = scope.split(' ');
  return scopes.includes(deviceSsoScope) && scopes.includes('openid');
}

/**
 * The ID token's `ds_hash`: the spec leaves the function to the server; Baton uses the one
 * OpenID Connect uses for `at_hash` (the left half of the SHA-256 digest, base64url), so a
 * client that wants to can check the pair itself.
 */
export function dsHash(deviceSecret: string): string {
  return createHash('sha256').update(deviceSecret).digest().subarray(0, 16).toString('base64url');
}
