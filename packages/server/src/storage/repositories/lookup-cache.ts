import type { App, Tenant } from '../../core/model.js';
import type { AppRepository, TenantRepository } from '../../core/ports.js';

/**
 * How long a tenant or app, once found, is answered from memory. Every request looks up
 * its tenant by name and its app by client id. An update or delete through this process
 * drops the entry at once; other processes see the change within this bound (so a deleted
 * app or tenant may still be served for up to this long elsewhere: docs/deployment.md).
 * Lookups that find nothing are never kept.
 */
export const lookupTtlMs = 1000;
const maxEntries = 10_000;

/** Found values by key for `ttlMs`, frozen so no request can change what another sees. */
function memo<V extends object>(ttlMs: number) {
  const entries = new Map<string, { value: V; until: number }>();
  const lookup = async (key: string, load: () => Promise<V | null>): Promise<V | null> => {
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
  return Object.assign(lookup, { forget: (key: string) => entries.delete(key), clear: () => entries.clear() });
}

function deepFreeze<V extends object>(value: V): V {
  for (const field of Object.values(value))
    if (field && typeof field === 'object' && !Object.isFrozen(field)) deepFreeze(field);
  return Object.freeze(value);
}

export function cachedTenants(tenants: TenantRepository, ttlMs = lookupTtlMs): TenantRepository {
  const byName = memo<Tenant>(ttlMs);
  return {
    ...tenants,
    findByName: (name) => byName(name, () => tenants.findByName(name)),
    async update(tenant) {
      await tenants.update(tenant);
      byName.forget(tenant.name);
    },
    async delete(tenantId) {
      const deleted = await tenants.delete(tenantId);
      // Entries are kept by name and a delete names the id: forget them all, deletes are rare.
      byName.clear();
      return deleted;
    },
  };
}

export function cachedApps(apps: AppRepository, ttlMs = lookupTtlMs): AppRepository {
  const byId = memo<App>(ttlMs);
  return {
    ...apps,
    find: (tenantId, clientId) => byId(`${tenantId} ${clientId}`, () => apps.find(tenantId, clientId)),
    async update(app) {
      await apps.update(app);
      byId.forget(`${app.tenantId} ${app.clientId}`);
    },
    async delete(tenantId, clientId) {
      const deleted = await apps.delete(tenantId, clientId);
      byId.forget(`${tenantId} ${clientId}`);
      return deleted;
    },
  };
}
