import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { User } from '../../core/model.js';
import type { UserRepository } from '../../core/ports.js';
import type { DirectSql } from '../direct-sql.js';
import type { Database, UsersTable } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';
import { flag, isSet, json, parse } from './rows.js';

/** The lookups every sign-in step makes are plain SQL (see direct-sql.ts). */
export function userRepository(db: Kysely<Database>, direct: DirectSql): UserRepository {
  const one = async (text: string, parameters: unknown[]) => {
    const [row] = await direct.query<Selectable<UsersTable>>(text, parameters);
    return row ? toUser(row) : null;
  };
  return {
    async create(u, passwordHash) {
      try {
        await db.transaction().execute(async (tx) => {
          await tx
            .insertInto('users')
            .values({
              id: u.id,
              tenant_id: u.tenantId,
              email: u.email,
              email_verified: flag(u.emailVerified),
              display_name: u.displayName,
              attributes: json(u.attributes),
              created_at: u.createdAt,
            })
            .execute();
          if (passwordHash !== null) {
            await tx
              .insertInto('credentials')
              .values({
                id: randomUUID(),
                user_id: u.id,
                type: 'password',
                secret: passwordHash,
                created_at: u.createdAt,
              })
              .execute();
          }
        });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    findByEmail: (tenantId, email) => one('SELECT * FROM users WHERE tenant_id = ? AND email = ?', [tenantId, email]),
    findById: (tenantId, id) => one('SELECT * FROM users WHERE tenant_id = ? AND id = ?', [tenantId, id]),
    async findPasswordHash(userId) {
      const [row] = await direct.query<{ secret: string }>(
        "SELECT secret FROM credentials WHERE user_id = ? AND type = 'password'",
        [userId],
      );
      return row?.secret ?? null;
    },
    async setPasswordHash(userId, hash, now) {
      await db
        .insertInto('credentials')
        .values({ id: randomUUID(), user_id: userId, type: 'password', secret: hash, created_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'type']).doUpdateSet({ secret: hash, created_at: now }))
        .execute();
    },
    async erase(user, tombstoneEmail) {
      await db.transaction().execute(async (tx) => {
        const addresses = [
          user.email,
          ...(await tx.selectFrom('mfa_methods').select('target').where('user_id', '=', user.id).execute()).map(
            (m) => m.target,
          ),
        ];
        await tx
          .updateTable('users')
          .set({ email: tombstoneEmail, email_verified: flag(false), display_name: null, attributes: json({}) })
          .where('id', '=', user.id)
          .execute();
        await tx.deleteFrom('credentials').where('user_id', '=', user.id).execute();
        await tx.deleteFrom('mfa_methods').where('user_id', '=', user.id).execute();
        await tx.deleteFrom('continuation_tokens').where('user_id', '=', user.id).execute();
        await tx
          .deleteFrom('one_time_codes')
          .where('tenant_id', '=', user.tenantId)
          .where('target', 'in', addresses)
          .execute();
        await tx
          .updateTable('devices')
          .set({ name: 'deleted', platform: 'deleted', installation_id: null })
          .where('user_id', '=', user.id)
          .execute();
      });
    },
  };
}

export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    email: row.email,
    emailVerified: isSet(row.email_verified),
    displayName: row.display_name,
    attributes: parse<Record<string, unknown>>(row.attributes),
    createdAt: row.created_at,
  };
}
