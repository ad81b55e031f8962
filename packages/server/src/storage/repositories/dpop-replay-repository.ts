import type { DpopReplayRepository } from '../../core/ports.js';
import type { DirectSql } from '../direct-sql.js';

/**
 * A proof's record is one upsert on the path of every DPoP request: a new key is inserted, a
 * key whose record has expired takes it over, a key still remembered changes nothing (a
 * replay). Expired records are otherwise left to the sweep.
 */
const rememberSql = `INSERT INTO dpop_proofs (key, expires_at) VALUES (?, ?)
  ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE dpop_proofs.expires_at < ?`;

export function dpopReplayRepository(sql: DirectSql): DpopReplayRepository {
  return {
    async remember(key, expiresAt, now) {
      return (await sql.run(rememberSql, [key, expiresAt, now])) === 1;
    },
  };
}
