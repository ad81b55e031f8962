import type { Selectable } from 'kysely';
import type { Device, RefreshTokenRecord, Session } from '../../core/model.js';
import type { PresentedRefreshToken, SessionRepository } from '../../core/ports.js';
import { insertInto, placeholders, type DirectSql, type StatementRunner } from '../direct-sql.js';
import type {
  DevicesTable,
  RefreshTokenColumns,
  RefreshTokensTable,
  SessionRefreshTokensTable,
  SessionsTable,
  UsersTable,
} from '../schema.js';
import { json, parse } from './rows.js';
import { toUser } from './user-repository.js';

/** The token (of `table`, where `condition`), its session and its user in one read: every refresh starts here. */
const findTokenSql = (table: string, condition: string) => `
  SELECT t.*,
    s.tenant_id AS s_tenant_id, s.user_id AS s_user_id, s.client_id AS s_client_id, s.device_id AS s_device_id, s.parent_id AS s_parent_id,
    s.auth_time AS s_auth_time, s.amr AS s_amr, s.created_at AS s_created_at, s.last_used_at AS s_last_used_at, s.idle_ttl AS s_idle_ttl,
    s.absolute_expires_at AS s_absolute_expires_at, s.revoked_at AS s_revoked_at, s.revoked_reason AS s_revoked_reason,
    u.id AS u_id, u.email AS u_email, u.email_verified AS u_email_verified, u.display_name AS u_display_name,
    u.attributes AS u_attributes, u.created_at AS u_created_at,
    d.installation_id AS d_installation_id, d.kind AS d_kind, d.platform AS d_platform
  FROM ${table} t
  JOIN sessions s ON s.id = t.session_id
  LEFT JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
  LEFT JOIN devices d ON d.id = s.device_id
  WHERE ${condition}`;
/** A token by the slot its claims name; the digest is checked too, or any token naming the session would do. */
const findSlotTokenSql = findTokenSql('session_refresh_tokens', 't.session_id = ? AND t.slot = ? AND t.digest = ?');
/** A token stored before migration 0018, by its digest alone. */
const findEarlierTokenSql = findTokenSql('refresh_tokens', 't.digest = ?');

type RefreshTokenRow = RefreshTokenColumns &
  Prefixed<'s_', Omit<Selectable<SessionsTable>, 'id'>> &
  Nullable<Prefixed<'u_', Omit<Selectable<UsersTable>, 'tenant_id'>>> &
  Nullable<Prefixed<'d_', Pick<Selectable<DevicesTable>, 'installation_id' | 'kind' | 'platform'>>>;
type Prefixed<P extends string, T> = { [K in keyof T & string as `${P}${K}`]: T[K] };
type Nullable<T> = { [K in keyof T]: T[K] | null };

const capLifetimeSql = 'UPDATE sessions SET absolute_expires_at = ? WHERE id = ? AND absolute_expires_at > ?';

/** The rotation's compare-and-set: only the first presentation of a token claims it. */
const claimSlotTokenSql = `UPDATE session_refresh_tokens SET consumed_at = ?
  WHERE session_id = ? AND slot = ? AND digest = ? AND consumed_at IS NULL`;
/** The same for a token stored before migration 0018, which learns its predecessor, whose row then goes. */
const claimEarlierTokenSql =
  'UPDATE refresh_tokens SET consumed_at = ? WHERE digest = ? AND consumed_at IS NULL RETURNING previous_digest';
const deleteEarlierTokenSql = 'DELETE FROM refresh_tokens WHERE digest = ?';
const slotTokenColumns: readonly (keyof Selectable<SessionRefreshTokensTable> & string)[] = [
  'session_id',
  'slot',
  'digest',
  'tenant_id',
  'client_id',
  'generation',
  'scope',
  'dpop_jkt',
  'issued_at',
  'expires_at',
  'consumed_at',
];
const insertSlotToken = insertInto<Selectable<SessionRefreshTokensTable>>('session_refresh_tokens', slotTokenColumns);
/**
 * A successor takes its slot in place, replacing the token before the one it replaces: a
 * session keeps its current token and the previous one (the retry window); older ones are
 * known by their MAC.
 */
const writeSlotTokenSql = `INSERT INTO session_refresh_tokens (${slotTokenColumns.join(', ')})
  VALUES (${placeholders(slotTokenColumns.length)})
  ON CONFLICT (session_id, slot) DO UPDATE SET ${slotTokenColumns
    .filter((column) => column !== 'session_id' && column !== 'slot')
    .map((column) => `${column} = excluded.${column}`)
    .join(', ')}`;
const writeSlotToken = (tx: StatementRunner, token: RefreshTokenRecord) => {
  const row = slotTokenRow(token);
  return tx.run(
    writeSlotTokenSql,
    slotTokenColumns.map((column) => row[column]),
  );
};
const insertSession = insertInto<Selectable<SessionsTable>>('sessions', [
  'id',
  'tenant_id',
  'user_id',
  'client_id',
  'device_id',
  'parent_id',
  'auth_time',
  'amr',
  'created_at',
  'last_used_at',
  'idle_ttl',
  'absolute_expires_at',
  'revoked_at',
  'revoked_reason',
]);
/** A device row as the session rows carry it: its Native SSO secret is read and written on its own. */
type DeviceRow = Omit<Selectable<DevicesTable>, 'sso_secret_digest'>;
const insertDevice = insertInto<DeviceRow>('devices', [
  'id',
  'tenant_id',
  'user_id',
  'name',
  'platform',
  'kind',
  'installation_id',
  'created_at',
]);
const touchSql = 'UPDATE sessions SET last_used_at = ? WHERE id = ?';
/** Locks a session row (PostgreSQL) if it is not revoked; SQLite's write transaction serialises anyway. */
const lockLiveSessionSql = 'UPDATE sessions SET id = id WHERE id = ? AND revoked_at IS NULL';
/**
 * The sessions `roots` picks (a condition over `sessions`, its parameters first) and their
 * descendants: a statement that locks them, and one that revokes the live ones (then
 * `revoked_at` and `revoked_reason`) and returns their ids.
 */
function treeStatements(roots: string) {
  const tree = `WITH RECURSIVE tree(id) AS (
    SELECT id FROM sessions WHERE ${roots}
    UNION
    SELECT child.id FROM sessions child JOIN tree ON child.parent_id = tree.id
  )`;
  return {
    lock: `${tree} UPDATE sessions SET id = id WHERE id IN (SELECT id FROM tree)`,
    revoke: `${tree}
  UPDATE sessions SET revoked_at = ?, revoked_reason = ?
  WHERE id IN (SELECT id FROM tree) AND revoked_at IS NULL
  RETURNING id`,
  };
}
const sessionTree = treeStatements('id = ?');
/** Every session an app opened, and their descendants. */
const clientTree = treeStatements('tenant_id = ? AND client_id = ?');
/** Every session on a device (a Native SSO device is one sign-in), and their descendants. */
const deviceTree = treeStatements('device_id = ?');
const revokeUserSql = `UPDATE sessions SET revoked_at = ?, revoked_reason = ?
  WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL
  RETURNING id`;
/**
 * Native SSO: a device's secret, and locking the device while it still holds one (PostgreSQL
 * row lock), so a sibling's session opens either before a revocation (which then finds it)
 * or not at all.
 */
const findDeviceSql = 'SELECT * FROM devices WHERE id = ?';
const lockDeviceWithSecretSql = 'UPDATE devices SET id = id WHERE id = ? AND sso_secret_digest = ?';
const setDeviceSecretSql = `UPDATE devices SET sso_secret_digest = ?
  WHERE id = (SELECT device_id FROM sessions WHERE id = ? AND revoked_at IS NULL)`;
/** Revokes the secret of a session's device; returns the device when it had one (a Native SSO device). */
const revokeSessionDeviceSecretSql = `UPDATE devices SET sso_secret_digest = NULL
  WHERE id = (SELECT device_id FROM sessions WHERE id = ?) AND sso_secret_digest IS NOT NULL
  RETURNING id`;
const revokeUserDeviceSecretsSql = `UPDATE devices SET sso_secret_digest = NULL
  WHERE tenant_id = ? AND user_id = ? AND sso_secret_digest IS NOT NULL`;
const listByUserSql = `
  SELECT s.*, d.name AS d_name, d.platform AS d_platform, d.kind AS d_kind,
    d.installation_id AS d_installation_id, d.created_at AS d_created_at
  FROM sessions s
  JOIN devices d ON d.id = s.device_id
  WHERE s.tenant_id = ? AND s.user_id = ?
  ORDER BY s.created_at, s.id`;
type SessionWithDeviceRow = Selectable<SessionsTable> &
  Prefixed<'d_', Pick<Selectable<DevicesTable>, 'name' | 'platform' | 'kind' | 'installation_id' | 'created_at'>>;

export function sessionRepository(sql: DirectSql): SessionRepository {
  return {
    open(device, session, token, options = {}) {
      return sql.transaction(async (tx) => {
        // Holding the parent's row while the child is added: a revocation of the tree either ran first (and the
        // parent is revoked here) or waits, and then finds the child (revokeTree).
        if (session.parentId !== null && (await tx.run(lockLiveSessionSql, [session.parentId])) !== 1) return false;
        // The same for a device's Native SSO secret: a revocation cleared it first, or waits and finds this session.
        const { deviceSecretDigest } = options;
        if (deviceSecretDigest && (await tx.run(lockDeviceWithSecretSql, [session.deviceId, deviceSecretDigest])) !== 1)
          return false;
        if (device) await insertDevice(tx, deviceRow(device));
        await insertSession(tx, sessionRow(session));
        await insertSlotToken(tx, slotTokenRow(token));
        return true;
      });
    },

    async find(id) {
      const [row] = await sql.query<Selectable<SessionsTable>>('SELECT * FROM sessions WHERE id = ?', [id]);
      return row ? toSession(row) : null;
    },

    async touch(id, now) {
      await sql.run(touchSql, [now, id]);
    },

    async findRefreshToken({ digest, claims }) {
      const [inSlot] = claims
        ? await sql.query<RefreshTokenRow>(findSlotTokenSql, [claims.sessionId, slotOf(claims.generation), digest])
        : [];
      const [row] = inSlot ? [inSlot] : await sql.query<RefreshTokenRow>(findEarlierTokenSql, [digest]);
      if (!row) return null;
      return {
        token: toToken(row),
        session: toSession({
          id: row.session_id,
          tenant_id: row.s_tenant_id,
          user_id: row.s_user_id,
          client_id: row.s_client_id,
          device_id: row.s_device_id,
          parent_id: row.s_parent_id,
          auth_time: row.s_auth_time,
          amr: row.s_amr,
          created_at: row.s_created_at,
          last_used_at: row.s_last_used_at,
          idle_ttl: row.s_idle_ttl,
          absolute_expires_at: row.s_absolute_expires_at,
          revoked_at: row.s_revoked_at,
          revoked_reason: row.s_revoked_reason,
        }),
        user:
          row.u_id === null
            ? null
            : toUser({
                id: row.u_id,
                tenant_id: row.s_tenant_id,
                email: row.u_email!,
                email_verified: row.u_email_verified!,
                display_name: row.u_display_name,
                attributes: row.u_attributes!,
                created_at: row.u_created_at!,
              }),
        installationId: row.d_installation_id,
        device: row.d_kind === null ? null : { kind: row.d_kind, platform: row.d_platform ?? '' },
      };
    },

    async capLifetime(sessionId, until) {
      await sql.run(capLifetimeSql, [until, sessionId, until]);
    },

    async rotate(presented, successor, now) {
      return sql.transaction(async (tx) => {
        if (!(await claim(tx, presented, now))) return { rotated: false };
        await writeSlotToken(tx, successor);
        await tx.run(touchSql, [now, successor.sessionId]);
        return { rotated: true };
      });
    },

    revokeTree(sessionId, reason, now) {
      return sql.transaction(async (tx) => {
        // A Native SSO device is one sign-in: its secret goes first (waiting for a sibling's session being opened on
        // it), then every app's session on it goes with this one.
        const [ssoDevice] = await tx.query<Pick<DevicesTable, 'id'>>(revokeSessionDeviceSecretSql, [sessionId]);
        const [tree, root] = ssoDevice ? [deviceTree, ssoDevice.id] : [sessionTree, sessionId];
        // First lock the tree (waiting for any child being added under it), then read it again: on PostgreSQL the
        // second statement sees the children committed meanwhile, which the first one's snapshot could not.
        await tx.run(tree.lock, [root]);
        const revoked = await tx.query<Pick<SessionsTable, 'id'>>(tree.revoke, [root, now, reason]);
        return revoked.map((session) => session.id);
      });
    },

    async findDevice(deviceId) {
      const [row] = await sql.query<Selectable<DevicesTable>>(findDeviceSql, [deviceId]);
      return row ? { ...toDevice(row), ssoSecretDigest: row.sso_secret_digest } : null;
    },

    async setDeviceSecret(sessionId, secretDigest) {
      return (await sql.run(setDeviceSecretSql, [secretDigest, sessionId])) === 1;
    },

    revokeClient(tenantId, clientId, reason, now) {
      return sql.transaction(async (tx) => {
        // As revokeTree: lock, then read again, so children added meanwhile are found.
        await tx.run(clientTree.lock, [tenantId, clientId]);
        const revoked = await tx.query<Pick<SessionsTable, 'id'>>(clientTree.revoke, [tenantId, clientId, now, reason]);
        return revoked.map((session) => session.id);
      });
    },

    revokeUser(tenantId, userId, reason, now) {
      return sql.transaction(async (tx) => {
        await tx.run(revokeUserDeviceSecretsSql, [tenantId, userId]);
        const revoked = await tx.query<Pick<SessionsTable, 'id'>>(revokeUserSql, [now, reason, tenantId, userId]);
        return revoked.map((session) => session.id);
      });
    },

    async listByUser(tenantId, userId) {
      const rows = await sql.query<SessionWithDeviceRow>(listByUserSql, [tenantId, userId]);
      return rows.map((row) => ({
        ...toSession(row),
        device: toDevice({
          id: row.device_id,
          tenant_id: row.tenant_id,
          user_id: row.user_id,
          name: row.d_name,
          platform: row.d_platform,
          kind: row.d_kind,
          installation_id: row.d_installation_id,
          created_at: row.d_created_at,
        }),
      }));
    },
  };
}

/** The slot of a session's token: its current one and the previous one alternate between two. */
const slotOf = (generation: number) => generation % 2;

/**
 * Marks the presented token consumed where it is stored (its session's slot, else a row
 * stored before migration 0018, whose predecessor's row then goes); false when it is not
 * there unconsumed.
 */
async function claim(tx: StatementRunner, { digest, claims }: PresentedRefreshToken, now: number): Promise<boolean> {
  if (claims && (await tx.run(claimSlotTokenSql, [now, claims.sessionId, slotOf(claims.generation), digest])) === 1)
    return true;
  const [claimed] = await tx.query<Pick<RefreshTokensTable, 'previous_digest'>>(claimEarlierTokenSql, [now, digest]);
  if (!claimed) return false;
  if (claimed.previous_digest !== null) await tx.run(deleteEarlierTokenSql, [claimed.previous_digest]);
  return true;
}

function deviceRow(device: Device): DeviceRow {
  return {
    id: device.id,
    tenant_id: device.tenantId,
    user_id: device.userId,
    name: device.name,
    platform: device.platform,
    kind: device.kind,
    installation_id: device.installationId,
    created_at: device.createdAt,
  };
}

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    name: row.name,
    platform: row.platform,
    kind: row.kind,
    installationId: row.installation_id,
    createdAt: row.created_at,
  };
}

function sessionRow(session: Session): Selectable<SessionsTable> {
  return {
    id: session.id,
    tenant_id: session.tenantId,
    user_id: session.userId,
    client_id: session.clientId,
    device_id: session.deviceId,
    parent_id: session.parentId,
    auth_time: session.authTime,
    amr: json(session.amr),
    created_at: session.createdAt,
    last_used_at: session.lastUsedAt,
    idle_ttl: session.idleTtl,
    absolute_expires_at: session.absoluteExpiresAt,
    revoked_at: session.revokedAt,
    revoked_reason: session.revokedReason,
  };
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    clientId: row.client_id,
    deviceId: row.device_id,
    parentId: row.parent_id,
    authTime: row.auth_time,
    amr: parse<string[]>(row.amr),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    idleTtl: row.idle_ttl,
    absoluteExpiresAt: row.absolute_expires_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  };
}

function slotTokenRow(token: RefreshTokenRecord): Selectable<SessionRefreshTokensTable> {
  return { ...refreshTokenColumns(token), slot: slotOf(token.generation) };
}

/** The columns both refresh-token tables hold, as toToken reads them back. */
export function refreshTokenColumns(token: RefreshTokenRecord): RefreshTokenColumns {
  return {
    digest: token.digest,
    session_id: token.sessionId,
    tenant_id: token.tenantId,
    client_id: token.clientId,
    generation: token.generation,
    scope: token.scope,
    dpop_jkt: token.dpopJkt,
    issued_at: token.issuedAt,
    expires_at: token.expiresAt,
    consumed_at: token.consumedAt,
  };
}

function toToken(row: RefreshTokenColumns): RefreshTokenRecord {
  return {
    digest: row.digest,
    sessionId: row.session_id,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    generation: row.generation,
    scope: row.scope,
    dpopJkt: row.dpop_jkt,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}
