import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { User } from '../../core/model.js';
import type { UserRepository } from '../../core/ports.js';
import { insertInto, placeholders, type DirectSql } from '../direct-sql.js';
import type { CredentialsTable, MfaMethodsTable, UsersTable } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';
import { flag, isSet, json, parse } from './rows.js';

const insertUser = insertInto<Selectable<UsersTable>>('users', [
  'id',
  'tenant_id',
  'email',
  'email_verified',
  'display_name',
  'attributes',
  'created_at',
]);
const insertCredential = insertInto<Selectable<CredentialsTable>>('credentials', [
  'id',
  'user_id',
  'type',
  'secret',
  'created_at',
]);
const setPasswordSql = `INSERT INTO credentials (id, user_id, type, secret, created_at) VALUES (?, ?, 'password', ?, ?)
  ON CONFLICT (user_id, type) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`;

export function userRepository(sql: DirectSql): UserRepository {
  const one = async (text: string, parameters: unknown[]) => {
    const [row] = await sql.query<Selectable<UsersTable>>(text, parameters);
    return row ? toUser(row) : null;
  };
  return {
    async create(user, passwordHash) {
      try {
        await sql.transaction(async (tx) => {
          await insertUser(tx, {
            id: user.id,
            tenant_id: user.tenantId,
            email: user.email,
            email_verified: flag(user.emailVerified),
            display_name: user.displayName,
            attributes: json(user.attributes),
            created_at: user.createdAt,
          });
          if (passwordHash !== null) {
            await insertCredential(tx, {
              id: randomUUID(),
              user_id: user.id,
              type: 'password',
              secret: passwordHash,
              created_at: user.createdAt,
            });
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
    async list(tenantId, { email, after, limit }) {
      // An erased account keeps a tombstone that is not an address (account-erasure.ts): it has no '@'.
      const filters = [
        { condition: "tenant_id = ? AND email LIKE '%@%'", values: [tenantId] },
        ...(email !== undefined ? [{ condition: 'email = ?', values: [email] }] : []),
        ...(after
          ? [
              {
                condition: '(created_at > ? OR (created_at = ? AND id > ?))',
                values: [after.createdAt, after.createdAt, after.id],
              },
            ]
          : []),
      ];
      const rows = await sql.query<Selectable<UsersTable>>(
        `SELECT * FROM users WHERE ${filters.map((filter) => filter.condition).join(' AND ')} ORDER BY created_at, id LIMIT ?`,
        [...filters.flatMap((filter) => filter.values), limit],
      );
      return rows.map(toUser);
    },
    async update(user) {
      await sql.run(
        'UPDATE users SET email_verified = ?, display_name = ?, attributes = ? WHERE tenant_id = ? AND id = ?',
        [flag(user.emailVerified), user.displayName, json(user.attributes), user.tenantId, user.id],
      );
    },
    async findPasswordHash(userId) {
      const [row] = await sql.query<Pick<CredentialsTable, 'secret'>>(
        "SELECT secret FROM credentials WHERE user_id = ? AND type = 'password'",
        [userId],
      );
      return row?.secret ?? null;
    },
    async setPasswordHash(userId, hash, now) {
      await sql.run(setPasswordSql, [randomUUID(), userId, hash, now]);
    },
    async erase(user, tombstoneEmail) {
      await sql.transaction(async (tx) => {
        const methods = await tx.query<Pick<MfaMethodsTable, 'target'>>(
          'SELECT target FROM mfa_methods WHERE user_id = ?',
          [user.id],
        );
        const addresses = [user.email, ...methods.map((method) => method.target)];
        await tx.run(
          'UPDATE users SET email = ?, email_verified = ?, display_name = NULL, attributes = ? WHERE id = ?',
          [tombstoneEmail, flag(false), json({}), user.id],
        );
        await tx.run('DELETE FROM credentials WHERE user_id = ?', [user.id]);
        await tx.run('DELETE FROM mfa_methods WHERE user_id = ?', [user.id]);
        await tx.run('DELETE FROM continuation_tokens WHERE user_id = ?', [user.id]);
        await tx.run(
          `DELETE FROM one_time_codes WHERE tenant_id = ? AND target IN (${placeholders(addresses.length)})`,
          [user.tenantId, ...addresses],
        );
        await tx.run(
          "UPDATE devices SET name = 'deleted', platform = 'deleted', installation_id = NULL WHERE user_id = ?",
          [user.id],
        );
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
