import type { ListedKey } from '../core/tenants/tenant-service.js';

/** A signing key as `baton keys list --json` and the management API show it: its id, algorithm, state and dates. */
export function keyView(key: ListedKey) {
  return {
    kid: key.kid,
    alg: key.alg,
    status: key.status,
    created_at: new Date(key.createdAt).toISOString(),
    retired_at: key.retiredAt === null ? null : new Date(key.retiredAt).toISOString(),
    expires_at: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
  };
}
