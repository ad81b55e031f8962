import { sql, type Kysely, type Selectable } from 'kysely';
import type { SigningAlgorithm, SigningKey } from '../../core/model.js';
import type { SigningKeyRepository } from '../../core/ports.js';
import type { DirectSql } from '../direct-sql.js';
import type { Database, SigningKeysTable } from '../schema.js';
import { json, parse } from './rows.js';

/**
 * Every token asks for its tenant's keys. On SQLite they are answered from memory while
 * no other connection has committed anything (a `baton keys rotate` in another process
 * is such a commit) and no retired key has reached its expiry; this process's own
 * rotations drop the entry. On PostgreSQL every call reads the table.
 */
export function signingKeyRepository(db: Kysely<Database>, direct: DirectSql): SigningKeyRepository {
  const published = new Map<string, { keys: readonly SigningKey[]; version: number; until: number }>();
  return {
    async listPublished(tenantId, now) {
      const version = direct.externalChangeCounter();
      const kept = published.get(tenantId);
      if (kept && kept.version === version && now < kept.until) return [...kept.keys];
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('status', '=', 'active'), eb('expires_at', '>', now)]))
        .orderBy('created_at', 'desc')
        .execute();
      const keys = rows.map(toKey);
      if (version !== null) {
        const until = Math.min(...keys.map((k) => k.expiresAt ?? Infinity));
        published.set(tenantId, { keys: Object.freeze(keys.map((k) => Object.freeze(k))), version, until });
      }
      return keys;
    },
    async activate(key, now, retiredExpiresAt) {
      await db.transaction().execute(async (tx) => {
        // Rotations of one tenant take turns (the tenant's row lock on PostgreSQL), so each retires the key the one before made active.
        await sql`UPDATE tenants SET id = id WHERE id = ${key.tenantId}`.execute(tx);
        await tx
          .updateTable('signing_keys')
          .set({ status: 'retired', retired_at: now, expires_at: retiredExpiresAt })
          .where('tenant_id', '=', key.tenantId)
          .where('status', '=', 'active')
          .execute();
        await tx
          .insertInto('signing_keys')
          .values({
            kid: key.kid,
            tenant_id: key.tenantId,
            alg: key.alg,
            public_jwk: json(key.publicJwk),
            private_jwk_sealed: key.privateJwkSealed,
            status: 'active',
            created_at: key.createdAt,
            retired_at: null,
            expires_at: null,
          })
          .execute();
      });
      published.delete(key.tenantId);
    },
  };
}

function toKey(row: Selectable<SigningKeysTable>): SigningKey {
  return {
    kid: row.kid,
    tenantId: row.tenant_id,
    alg: row.alg as SigningAlgorithm,
    publicJwk: parse<Record<string, unknown>>(row.public_jwk),
    privateJwkSealed: row.private_jwk_sealed,
    status: row.status as 'active' | 'retired',
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    expiresAt: row.expires_at,
  };
}
