import type { DpopReplayRepository } from '../../core/ports.js';
import type { DirectSql } from '../direct-sql.js';

/** Every DPoP proof is recorded once, in a transaction that also forgets the proofs too old to be presented again. */
export function dpopReplayRepository(sql: DirectSql): DpopReplayRepository {
  return {
    remember(key, expiresAt, now) {
      return sql.transaction(async (tx) => {
        await tx.run('DELETE FROM dpop_proofs WHERE expires_at < ?', [now]);
        return (
          (await tx.run('INSERT INTO dpop_proofs (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [
            key,
            expiresAt,
          ])) === 1
        );
      });
    },
  };
}
