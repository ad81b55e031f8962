import type { MfaMethodRepository, UserRepository } from '../ports.js';
import type { MemoryDatabase } from './memory-database.js';

/** Users and their password credentials, as storage/repositories/user-repository.ts keeps them. */
export function inMemoryUsers(db: MemoryDatabase): UserRepository {
  const emailTaken = (tenantId: string, email: string) =>
    db.users.where((user) => user.tenantId === tenantId && user.email === email).length > 0;
  return {
    async create(user, passwordHash) {
      // A taken id or address is the unique violation the SQL repository answers with false.
      if (db.users.has(user.id) || emailTaken(user.tenantId, user.email)) return false;
      db.users.insert(user);
      if (passwordHash !== null)
        db.credentials.insert({ userId: user.id, hash: passwordHash, createdAt: user.createdAt });
      return true;
    },
    async findByEmail(tenantId, email) {
      return db.users.where((user) => user.tenantId === tenantId && user.email === email)[0] ?? null;
    },
    async findById(tenantId, id) {
      const user = db.users.get(id);
      return user && user.tenantId === tenantId ? user : null;
    },
    async list(tenantId, { email, after, limit }) {
      // As the SQL: erased accounts (a tombstone without '@') are left out; oldest first, ties by id.
      return db.users
        .where(
          (user) =>
            user.tenantId === tenantId &&
            user.email.includes('@') &&
            (email === undefined || user.email === email) &&
            (!after || user.createdAt > after.createdAt || (user.createdAt === after.createdAt && user.id > after.id)),
        )
        .sort((left, right) => left.createdAt - right.createdAt || (left.id < right.id ? -1 : 1))
        .slice(0, limit);
    },
    async update(user) {
      db.users.update(user.id, {
        emailVerified: user.emailVerified,
        displayName: user.displayName,
        attributes: user.attributes,
      });
    },
    async findPasswordHash(userId) {
      return db.credentials.get(userId)?.hash ?? null;
    },
    async setPasswordHash(userId, hash, now) {
      db.credentials.put({ userId, hash, createdAt: now });
    },
    async erase(user, tombstoneEmail) {
      const methods = db.mfaMethods.where((method) => method.userId === user.id);
      const addresses = [user.email, ...methods.map((method) => method.target)];
      db.users.update(user.id, { email: tombstoneEmail, emailVerified: false, displayName: null, attributes: {} });
      db.credentials.delete(user.id);
      db.mfaMethods.deleteWhere((method) => method.userId === user.id);
      db.continuations.deleteWhere((record) => record.userId === user.id);
      db.codes.deleteWhere((code) => code.tenantId === user.tenantId && addresses.includes(code.target));
      for (const device of db.devices.where((row) => row.userId === user.id))
        db.devices.update(device.id, { name: 'deleted', platform: 'deleted', installationId: null });
    },
  };
}

/** Second-factor methods: one per user and address (the SQL unique constraint). */
export function inMemoryMfaMethods(db: MemoryDatabase): MfaMethodRepository {
  return {
    async add(method) {
      const taken = db.mfaMethods.where(
        (row) =>
          row.id === method.id ||
          (row.userId === method.userId && row.type === method.type && row.target === method.target),
      );
      if (taken.length > 0) return false;
      db.mfaMethods.insert(method);
      return true;
    },
    async list(userId) {
      return db.mfaMethods
        .where((method) => method.userId === userId)
        .sort((left, right) => left.createdAt - right.createdAt);
    },
  };
}
