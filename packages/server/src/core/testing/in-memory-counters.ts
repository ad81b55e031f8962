import type { DpopReplayRepository, RateLimitRepository, RequestCounterRepository } from '../ports.js';
import type { MemoryDatabase } from './memory-database.js';

/** Attempt counts with lockouts, following storage/repositories/rate-limit-repository.ts step by step. */
export function inMemoryRateLimits(db: MemoryDatabase): RateLimitRepository {
  return {
    async get(key) {
      const row = db.rateLimits.get(key);
      return row ? { failures: row.failures, lockedUntil: row.lockedUntil } : null;
    },
    async reserve(key, now, { windowMs, lockFor }) {
      const row = db.rateLimits.get(key) ?? { key, failures: 0, lockedUntil: 0, updatedAt: now };
      const { lockedUntil, updatedAt } = row;
      if (lockedUntil > now) {
        return {
          allowed: false,
          failures: row.failures,
          lockedUntil,
          undo: { lockedUntil, updatedAt, wroteLockedUntil: lockedUntil, wroteUpdatedAt: updatedAt },
        };
      }
      const quiet = updatedAt < now - windowMs && lockedUntil < now - windowMs;
      const failures = quiet ? 1 : row.failures + 1;
      const lock = lockFor(failures);
      const until = lock > 0 ? now + lock : lockedUntil;
      db.rateLimits.put({ key, failures, lockedUntil: until, updatedAt: now });
      return {
        allowed: true,
        failures,
        lockedUntil: until,
        undo: { lockedUntil, updatedAt, wroteLockedUntil: until, wroteUpdatedAt: now },
      };
    },
    async refund(key, { undo }) {
      const row = db.rateLimits.get(key);
      if (!row || row.failures <= 0) return;
      db.rateLimits.update(key, {
        failures: row.failures - 1,
        lockedUntil: row.lockedUntil === undo.wroteLockedUntil ? undo.lockedUntil : row.lockedUntil,
        updatedAt: row.updatedAt === undo.wroteUpdatedAt ? undo.updatedAt : row.updatedAt,
      });
    },
    async clear(key) {
      db.rateLimits.delete(key);
    },
  };
}

/** Fixed-window request counts: a new window starts once the last one has ended. */
export function inMemoryRequestCounters(db: MemoryDatabase): RequestCounterRepository {
  return {
    async count(key, now, windowMs) {
      const row = db.requestCounters.get(key);
      const counter =
        row && row.expiresAt > now
          ? { key, count: row.count + 1, expiresAt: row.expiresAt }
          : { key, count: 1, expiresAt: now + windowMs };
      db.requestCounters.put(counter);
      return { count: counter.count, windowEndsAt: counter.expiresAt };
    },
  };
}

/** DPoP proofs seen; an expired record's key may come again, as the SQL upsert lets it. */
export function inMemoryDpopProofs(db: MemoryDatabase): DpopReplayRepository {
  return {
    async remember(key, expiresAt, now) {
      const seen = db.dpopProofs.get(key);
      if (seen && seen.expiresAt >= now) return false;
      db.dpopProofs.put({ key, expiresAt });
      return true;
    },
  };
}
