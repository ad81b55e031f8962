import type { RefreshTokenRecord, Session } from '../model.js';
import type { PresentedRefreshToken, SessionRepository } from '../ports.js';
import { type MemoryDatabase, sessionSlotKey } from './memory-database.js';

/**
 * Sessions, devices and refresh tokens, as storage/repositories/session-repository.ts keeps
 * them: a session's tokens in its two slots, and tokens stored before migration 0018 by
 * digest. Each method does all its work before it first yields, so it is one transaction:
 * of concurrent `rotate` calls for one token exactly one claims it, as the SQL
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
      db.sessionRefreshTokens.assertAbsent(sessionSlotKey(token.sessionId, token.generation));
      if (device) db.devices.insert(device);
      db.sessions.insert(session);
      db.sessionRefreshTokens.insert(token);
      return true;
    },

    async find(id) {
      return db.sessions.get(id);
    },

    async touch(id, now) {
      db.sessions.update(id, { lastUsedAt: now });
    },

    async findRefreshToken(presented) {
      const token = storedToken(db, presented);
      const session = token && db.sessions.get(token.sessionId);
      if (!token || !session) return null;
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

    async rotate(presented, successor, now) {
      const token = storedToken(db, presented);
      if (!token || token.consumedAt !== null) return { rotated: false };
      const slot = sessionSlotKey(token.sessionId, token.generation);
      if (db.sessionRefreshTokens.get(slot)?.digest === token.digest) {
        db.sessionRefreshTokens.update(slot, { consumedAt: now });
      } else {
        // Stored before migration 0018: it stays, consumed, until it expires; the row before it goes.
        const { previousDigest } = db.refreshTokens.get(token.digest)!;
        db.refreshTokens.update(token.digest, { consumedAt: now });
        if (previousDigest !== null) db.refreshTokens.delete(previousDigest);
      }
      // Only the current token and the previous one are kept; older ones are recognised by their MAC.
      db.sessionRefreshTokens.put(successor);
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

/** The token in the slot its claims name (its digest checked), else one stored before migration 0018 by digest. */
function storedToken(db: MemoryDatabase, { digest, claims }: PresentedRefreshToken): RefreshTokenRecord | null {
  const inSlot = claims && db.sessionRefreshTokens.get(sessionSlotKey(claims.sessionId, claims.generation));
  if (inSlot && inSlot.digest === digest) return inSlot;
  const earlier = db.refreshTokens.get(digest);
  if (!earlier) return null;
  const { previousDigest: _, ...token } = earlier;
  return token;
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
