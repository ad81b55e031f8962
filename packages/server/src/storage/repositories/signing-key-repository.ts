import type { Selectable } from 'kysely';
import type { SigningKey } from '../../core/model.js';
import type { SigningKeyRepository } from '../../core/ports.js';
import { insertInto, type DirectSql } from '../direct-sql.js';
import type { SigningKeysTable } from '../schema.js';
import { json, parse } from './rows.js';

const listPublishedSql = `SELECT * FROM signing_keys
  WHERE tenant_id = ? AND (status = 'active' OR expires_at > ?)
  ORDER BY created_at DESC`;
/** Rotations of one tenant take turns (the tenant's row lock on PostgreSQL), so each retires the key the one before made active. */
const lockTenantSql = 'UPDATE tenants SET id = id WHERE id = ?';
const retireActiveSql = `UPDATE signing_keys SET status = 'retired', retired_at = ?, expires_at = ?
  WHERE tenant_id = ? AND status = 'active'`;
const insertKey = insertInto<Selectable<SigningKeysTable>>('signing_keys', [
  'kid',
  'tenant_id',
  'alg',
  'public_jwk',
  'private_jwk_sealed',
  'status',
  'created_at',
  'retired_at',
  'expires_at',
]);

/**
 * Every token asks for its tenant's keys. On SQLite they are answered from memory while
 * no other connection has committed anything (a `baton keys rotate` in another process
 * is such a commit) and no retired key has reached its expiry; this process's own
 * rotations drop the entry. On PostgreSQL every call reads the table.
 */
export function signingKeyRepository(sql: DirectSql): SigningKeyRepository {
  const published = new Map<string, { keys: readonly SigningKey[]; version: number; until: number }>();
  return {
    async listPublished(tenantId, now) {
      const version = sql.externalChangeCounter();
      const kept = published.get(tenantId);
      if (kept && kept.version === version && now < kept.until) return [...kept.keys];
      const rows = await sql.query<Selectable<SigningKeysTable>>(listPublishedSql, [tenantId, now]);
      const keys = rows.map(toKey);
      if (version !== null) {
        const until = Math.min(...keys.map((key) => key.expiresAt ?? Infinity));
        published.set(tenantId, { keys: Object.freeze(keys.map((key) => Object.freeze(key))), version, until });
      }
      return keys;
    },
    async activate(key, now, retiredExpiresAt) {
      await sql.transaction(async (tx) => {
        await tx.run(lockTenantSql, [key.tenantId]);
        await tx.run(retireActiveSql, [now, retiredExpiresAt, key.tenantId]);
        await insertKey(tx, {
          kid: key.kid,
          tenant_id: key.tenantId,
          alg: key.alg,
          public_jwk: json(key.publicJwk),
          private_jwk_sealed: key.privateJwkSealed,
          status: 'active',
          created_at: key.createdAt,
          retired_at: null,
          expires_at: null,
        });
      });
      published.delete(key.tenantId);
    },
  };
}

function toKey(row: Selectable<SigningKeysTable>): SigningKey {
  return {
    kid: row.kid,
    tenantId: row.tenant_id,
    alg: row.alg,
    publicJwk: parse<Record<string, unknown>>(row.public_jwk),
    privateJwkSealed: row.private_jwk_sealed,
    status: row.status,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    expiresAt: row.expires_at,
  };
}
