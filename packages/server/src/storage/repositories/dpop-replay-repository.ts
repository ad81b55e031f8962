import type { Kysely } from 'kysely';
import type { DpopReplayRepository } from '../../core/ports.js';
import type { Database } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

export function dpopReplayRepository(db: Kysely<Database>): DpopReplayRepository {
  return {
    async remember(key, expiresAt, now) {
      await db.deleteFrom('dpop_proofs').where('expires_at', '<', now).execute();
      try {
        await db.insertInto('dpop_proofs').values({ key, expires_at: expiresAt }).execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
  };
}
