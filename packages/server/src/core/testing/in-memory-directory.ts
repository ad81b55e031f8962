import type { AppRepository, PolicyRepository, SigningKeyRepository, TenantRepository } from '../ports.js';
import type { MemoryDatabase } from './memory-database.js';

const byCreation = <Row extends { createdAt: number }>(left: Row, right: Row) => left.createdAt - right.createdAt;

/** Tenants; a taken id or name is refused with false, as the unique constraint makes the SQL repository do. */
export function inMemoryTenants(db: MemoryDatabase): TenantRepository {
  return {
    async create(tenant) {
      if (db.tenants.has(tenant.id) || db.tenants.where((row) => row.name === tenant.name).length > 0) return false;
      db.tenants.insert(tenant);
      return true;
    },
    async list() {
      return db.tenants.where().sort(byCreation);
    },
    async findByName(name) {
      return db.tenants.where((tenant) => tenant.name === name)[0] ?? null;
    },
    async findById(id) {
      return db.tenants.get(id);
    },
    async update(tenant) {
      db.tenants.update(tenant.id, {
        displayName: tenant.displayName,
        signingAlg: tenant.signingAlg,
        codeLength: tenant.codeLength,
        theme: tenant.theme,
      });
    },
    async delete(tenantId) {
      if (!db.tenants.has(tenantId)) return false;
      const ofTenant = (row: { tenantId: string | null }) => row.tenantId === tenantId;
      const users = new Set(db.users.where(ofTenant).map((user) => user.id));
      db.credentials.deleteWhere((credential) => users.has(credential.userId));
      const tables: Array<{ deleteWhere(matches: typeof ofTenant): number }> = [
        db.refreshTokens,
        db.sessionRefreshTokens,
        db.transferTokens,
        db.authorizationCodes,
        db.browserSessions,
        db.sessions,
        db.devices,
        db.mfaMethods,
        db.continuations,
        db.codes,
        db.users,
        db.apps,
        db.signingKeys,
        db.policies,
        db.auditEvents,
      ];
      for (const table of tables) table.deleteWhere(ofTenant);
      return db.tenants.delete(tenantId);
    },
  };
}

export function inMemoryApps(db: MemoryDatabase): AppRepository {
  return {
    async create(app) {
      db.apps.insert(app);
    },
    async find(tenantId, clientId) {
      const app = db.apps.get(clientId);
      return app && app.tenantId === tenantId ? app : null;
    },
    async list(tenantId) {
      return db.apps.where((app) => app.tenantId === tenantId).sort(byCreation);
    },
    async update(app) {
      const { clientId, tenantId, type, createdAt, ...settings } = app;
      if (db.apps.get(clientId)?.tenantId === tenantId) db.apps.update(clientId, settings);
    },
    async delete(tenantId, clientId) {
      return db.apps.get(clientId)?.tenantId === tenantId && db.apps.delete(clientId);
    },
  };
}

export function inMemorySigningKeys(db: MemoryDatabase): SigningKeyRepository {
  return {
    async listPublished(tenantId, now) {
      return db.signingKeys
        .where((key) => key.tenantId === tenantId && (key.status === 'active' || (key.expiresAt ?? 0) > now))
        .sort((left, right) => right.createdAt - left.createdAt);
    },
    async activate(key, now, retiredExpiresAt) {
      db.signingKeys.assertAbsent(key.kid);
      for (const active of db.signingKeys.where((row) => row.tenantId === key.tenantId && row.status === 'active'))
        db.signingKeys.update(active.kid, { status: 'retired', retiredAt: now, expiresAt: retiredExpiresAt });
      db.signingKeys.insert({ ...key, status: 'active', retiredAt: null, expiresAt: null });
    },
  };
}

export function inMemoryPolicies(db: MemoryDatabase): PolicyRepository {
  const ofTenant = (tenantId: string) =>
    db.policies.where((row) => row.tenantId === tenantId).sort((a, b) => b.version - a.version);
  return {
    async latest(tenantId) {
      const [row] = ofTenant(tenantId);
      if (!row) return null;
      const { tenantId: _, ...policy } = row;
      return policy;
    },
    async latestVersion(tenantId) {
      return ofTenant(tenantId)[0]?.version ?? 0;
    },
    async add(tenantId, policy) {
      if (db.policies.has(`${tenantId} ${policy.version}`)) return false;
      db.policies.insert({ ...policy, tenantId });
      return true;
    },
  };
}
