import type { Session } from '../model.js';
import type { SessionRepository } from '../ports.js';
import type { MemoryDatabase } from './memory-database.js';

/**
 * Sessions, devices and refresh tokens, as storage/repositories/session-repository.ts keeps
 * them. Each method does all its work before it first yields, so it is one transaction: of
 * concurrent `rotate` calls for one token exactly one claims it, as the SQL
 * compare-and-set guarantees.
 */
export function inMemorySessions(db: MemoryDatabase): SessionRepository {
  const findUser = (tenantId: string, userId: string) => {
    const user = db.users.get(userId);
    return user && user.tenantId === tenantId ? user : null;
  };
  return {
    async open(device, session, token, options = {}) {
      if (session.parentId !== null && db.sessions.get(session.parentId)?.revokedAt !== null) return false;
      const { deviceSecretDigest } = options;
      if (deviceSecretDigest && db.deviceSecrets.get(session.deviceId)?.digest !== deviceSecretDigest) return false;
      // Every key is checked before anything is written, so a duplicate leaves nothing behind (a rolled-back transaction).
      if (device) db.devices.assertAbsent(device.id);
      db.sessions.assertAbsent(session.id);
      db.refreshTokens.assertAbsent(token.digest);
      if (device) db.devices.insert(device);
      db.sessions.insert(session);
      db.refreshTokens.insert({ ...token, previousDigest: null });
      return true;
    },

    async find(id) {
      return db.sessions.get(id);
    },

    async touch(id, now) {
      db.sessions.update(id, { lastUsedAt: now });
    },

    async findRefreshToken(digest) {
      const stored = db.refreshTokens.get(digest);
      const session = stored && db.sessions.get(stored.sessionId);
      if (!stored || !session) return null;
      const { previousDigest: _, ...token } = stored;
      const device = db.devices.get(session.deviceId);
      return {
        token,
        session,
        user: findUser(session.tenantId, session.userId),
        installationId: device?.installationId ?? null,
        device: device ? { kind: device.kind, platform: device.platform } : null,
      };
    },

    async capLifetime(sessionId, until) {
      const session = db.sessions.get(sessionId);
      if (session && until < session.absoluteExpiresAt) db.sessions.update(sessionId, { absoluteExpiresAt: until });
    },

    async rotate(presentedDigest, successor, now, options = {}) {
      const presented = db.refreshTokens.get(presentedDigest);
      if (!presented || presented.consumedAt !== null) return { rotated: false };
      db.refreshTokens.assertAbsent(successor.digest);
      db.refreshTokens.update(presentedDigest, { consumedAt: now });
      // Only the current token and the previous one are kept; older ones are recognised by their MAC.
      if (presented.previousDigest !== null) db.refreshTokens.delete(presented.previousDigest);
      db.refreshTokens.insert({ ...successor, previousDigest: options.keepPresented ? null : presentedDigest });
      db.sessions.update(successor.sessionId, { lastUsedAt: now });
      return { rotated: true };
    },

    async revokeTree(sessionId, reason, now) {
      // A Native SSO device is one sign-in: its secret goes, and every app's session on it.
      const deviceId = db.sessions.get(sessionId)?.deviceId;
      if (deviceId === undefined || !db.deviceSecrets.get(deviceId))
        return revokeTrees(db, (session) => session.id === sessionId, reason, now);
      db.deviceSecrets.delete(deviceId);
      return revokeTrees(db, (session) => session.deviceId === deviceId, reason, now);
    },

    async findDevice(deviceId) {
      const device = db.devices.get(deviceId);
      return device && { ...device, ssoSecretDigest: db.deviceSecrets.get(deviceId)?.digest ?? null };
    },

    async setDeviceSecret(sessionId, digest) {
      const session = db.sessions.get(sessionId);
      if (!session || session.revokedAt !== null) return false;
      db.deviceSecrets.delete(session.deviceId);
      db.deviceSecrets.insert({ deviceId: session.deviceId, digest });
      return true;
    },

    async revokeClient(tenantId, clientId, reason, now) {
      return revokeTrees(db, (session) => session.tenantId === tenantId && session.clientId === clientId, reason, now);
    },

    async revokeUser(tenantId, userId, reason, now) {
      for (const device of db.devices.where((device) => device.tenantId === tenantId && device.userId === userId))
        db.deviceSecrets.delete(device.id);
      const live = db.sessions
        .where((session) => session.tenantId === tenantId && session.userId === userId && session.revokedAt === null)
        .map((session) => session.id);
      for (const id of live) db.sessions.update(id, { revokedAt: now, revokedReason: reason });
      return live;
    },

    async listByUser(tenantId, userId) {
      return db.sessions
        .where((session) => session.tenantId === tenantId && session.userId === userId)
        .sort((left, right) => left.createdAt - right.createdAt || left.id.localeCompare(right.id))
        .flatMap((session) => {
          const device = db.devices.get(session.deviceId);
          return device ? [{ ...session, device }] : [];
        });
    },
  };
}

/**
 * Revokes the sessions `isRoot` picks and their descendants. The trees run through revoked
 * sessions too (the SQL's recursive query does), but only live ones are revoked now.
 */
function revokeTrees(db: MemoryDatabase, isRoot: (session: Session) => boolean, reason: string, now: number): string[] {
  const tree = db.sessions.where(isRoot);
  for (let index = 0; index < tree.length; index++) {
    const parentId = tree[index]!.id;
    tree.push(...db.sessions.where((session) => session.parentId === parentId));
  }
  const live = tree.filter((session) => session.revokedAt === null).map((session) => session.id);
  for (const id of live) db.sessions.update(id, { revokedAt: now, revokedReason: reason });
  return live;
}
