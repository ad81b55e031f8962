import type { Kysely, Selectable } from 'kysely';
import type { DeviceAuthorization } from '../../core/model.js';
import type { DeviceAuthorizationRepository } from '../../core/ports.js';
import type { Database, DeviceAuthorizationsTable } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

/** Device authorizations (RFC 8628): every change of state is one conditional UPDATE, so it holds across instances. */
export function deviceAuthorizationRepository(db: Kysely<Database>): DeviceAuthorizationRepository {
  const byDeviceCode = (digest: string) =>
    db.updateTable('device_authorizations').where('device_code_digest', '=', digest);
  return {
    async insert(record) {
      try {
        await db
          .insertInto('device_authorizations')
          .values({
            device_code_digest: record.deviceCodeDigest,
            user_code_digest: record.userCodeDigest,
            tenant_id: record.tenantId,
            client_id: record.clientId,
            scope: record.scope,
            device_name: record.device.name,
            device_platform: record.device.platform,
            poll_interval: record.interval,
            created_at: record.createdAt,
            expires_at: record.expiresAt,
            last_polled_at: record.lastPolledAt,
            status: record.status,
            user_id: record.userId,
            approving_session_id: record.approvingSessionId,
            max_session_seconds: record.maxSessionSeconds,
            decided_at: record.decidedAt,
          })
          .execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async findByDeviceCode(digest) {
      const row = await db
        .selectFrom('device_authorizations')
        .selectAll()
        .where('device_code_digest', '=', digest)
        .executeTakeFirst();
      return row ? toDeviceAuthorization(row) : null;
    },
    async findByUserCode(digest) {
      const row = await db
        .selectFrom('device_authorizations')
        .selectAll()
        .where('user_code_digest', '=', digest)
        .executeTakeFirst();
      return row ? toDeviceAuthorization(row) : null;
    },
    async poll(digest, now, slowDownSeconds) {
      const onTime = await byDeviceCode(digest)
        .set({ last_polled_at: now })
        .where((eb) =>
          eb.or([
            eb('last_polled_at', 'is', null),
            eb(eb('last_polled_at', '+', eb('poll_interval', '*', 1000)), '<=', now),
          ]),
        )
        .executeTakeFirst();
      if (Number(onTime.numUpdatedRows) === 1) return { tooFast: false };
      await byDeviceCode(digest)
        .set((eb) => ({ last_polled_at: now, poll_interval: eb('poll_interval', '+', slowDownSeconds) }))
        .execute();
      return { tooFast: true };
    },
    async decide(digest, decision) {
      const result = await byDeviceCode(digest)
        .set({
          status: decision.status,
          user_id: decision.userId,
          approving_session_id: decision.approvingSessionId,
          max_session_seconds: decision.maxSessionSeconds,
          decided_at: decision.decidedAt,
        })
        .where('status', '=', 'pending')
        .where('expires_at', '>', decision.decidedAt)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async redeem(digest) {
      const result = await byDeviceCode(digest)
        .set({ status: 'redeemed' })
        .where('status', '=', 'approved')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

function toDeviceAuthorization(row: Selectable<DeviceAuthorizationsTable>): DeviceAuthorization {
  return {
    deviceCodeDigest: row.device_code_digest,
    userCodeDigest: row.user_code_digest,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    scope: row.scope,
    device: { name: row.device_name, platform: row.device_platform },
    interval: row.poll_interval,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastPolledAt: row.last_polled_at,
    status: row.status,
    userId: row.user_id,
    approvingSessionId: row.approving_session_id,
    maxSessionSeconds: row.max_session_seconds,
    decidedAt: row.decided_at,
  };
}
