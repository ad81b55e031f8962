import type { App, Tenant } from '../../core/model.js';
import type { AppRepository, TenantRepository } from '../../core/ports.js';

/**
 * How long a tenant or app, once found, is answered from memory. Every request looks up
 * its tenant by name and its app by client id, and neither changes once created (there is
 * no update or delete yet): the change that adds one must drop the entry here, and other
 * processes then see it within this bound. Lookups that find nothing are never kept.
 */
export const lookupTtlMs = 1000;
const maxEntries = 10_000;

/** Found values by key for `ttlMs`, frozen so no request can change what another sees. */
function memo<V extends object>(ttlMs: number) {
  const entries = new Map<string, { value: V; until: number }>();
  return async (key: string, load: () => Promise<V | null>): Promise<V | null> => {
    const now = performance.now();
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    entries.delete(key);
    if (value === null) return null;
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
    entries.set(key, { value: deepFreeze(value), until: now + ttlMs });
    return value;
  };
}

function deepFreeze<V extends object>(value: V): V {
  for (const field of Object.values(value))
    if (field && typeof field === 'object' && !Object.isFrozen(field)) deepFreeze(field);
  return Object.freeze(value);
}

export function cachedTenants(tenants: TenantRepository, ttlMs = lookupTtlMs): TenantRepository {
  const byName = memo<Tenant>(ttlMs);
  return { ...tenants, findByName: (name) => byName(name, () => tenants.findByName(name)) };
}

export function cachedApps(apps: AppRepository, ttlMs = lookupTtlMs): AppRepository {
  const byId = memo<App>(ttlMs);
  return {
    ...apps,
    find: (tenantId, clientId) => byId(`${tenantId} ${clientId}`, () => apps.find(tenantId, clientId)),
  };
}
