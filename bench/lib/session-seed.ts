import { once } from 'node:events';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { grantedUserScope } from '../../packages/server/src/core/tokens/scopes.js';

/** Sessions per transaction: large enough that commits cost nothing, small enough to keep the WAL modest. */
const sessionsPerTransaction = 50_000;

/** What every seeded session shares, read from the migrated database; the worker makes the rest. */
export interface SeedTemplate {
  masterKey: string;
  tenantId: string;
  clientId: string;
  userIds: string[];
  scope: string;
  /** The app's session limits, in seconds. */
  idleTtl: number;
  absoluteTtl: number;
  /** How the sessions were signed in: a password. */
  amr: string[];
}
export interface SeedBatchRequest {
  from: number;
  to: number;
  now: number;
}
/**
 * A session after its sign-in and one rotation (its first token consumed, the current one
 * in the other slot), as the values the inserts bind: a flat tuple crosses from the worker far
 * faster than objects do.
 */
export type SeededSession = [
  id: string,
  deviceId: string,
  userId: string,
  createdAt: number,
  lastUsedAt: number,
  absoluteExpiresAt: number,
  firstDigest: string,
  firstExpiresAt: number,
  currentDigest: string,
  currentExpiresAt: number,
];

export interface SeedResult {
  sessions: number;
  seconds: number;
  /** The database file's size once the seed is checkpointed into it. */
  databaseBytes: number;
}

/**
 * Writes `count` live sessions of `clientId` straight into a migrated SQLite file, before
 * `baton serve` opens it, in the shape a password sign-in followed by one rotation leaves:
 * a primary device, the session, its first refresh token (consumed) and the current one in
 * the session's two slots (migration 0018), both in the current token format under the
 * installation's master key (bench/lib/seed-sessions-worker.ts makes them). The sessions
 * belong to `usernames`' accounts in turn; none is near its idle or absolute limit, so the
 * expiry sweep leaves them alone during the run.
 */
export async function seedSessions(
  file: string,
  seed: { tenant: string; clientId: string; usernames: string[]; masterKey: string; count: number },
): Promise<SeedResult> {
  const started = performance.now();
  const db = new BetterSqlite3(file);
  const template: SeedTemplate = { masterKey: seed.masterKey, ...readTemplate(db, seed) };
  // Node 20 does not hand the --import hooks to a worker: it registers tsx itself, then loads the .ts module
  const [tsx, entry] = [import.meta.resolve('tsx/esm/api'), import.meta.resolve('./seed-sessions-worker.ts')];
  const worker = new Worker(
    `import(${JSON.stringify(tsx)}).then((t) => t.register()).then(() => import(${JSON.stringify(entry)}))`,
    { eval: true, workerData: template },
  );
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1048576');
    // The secondary indexes are built once at the end, from their own definitions: sorting a million keys
    // costs far less than a million inserts at random places (the primary keys' indexes cannot be dropped).
    const indexes = db
      .prepare(
        `SELECT name, sql FROM sqlite_master
         WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('devices', 'sessions', 'session_refresh_tokens')`,
      )
      .all() as Array<{ name: string; sql: string }>;
    for (const { name } of indexes) db.exec(`DROP INDEX ${name}`);
    const insertBatch = db.transaction(inserter(db, template));
    const now = Date.now();
    const ask = async (from: number) => {
      worker.postMessage({ from, to: Math.min(seed.count, from + sessionsPerTransaction), now } as SeedBatchRequest);
      const [batch] = (await once(worker, 'message')) as [SeededSession[]];
      return batch;
    };
    let next = ask(0);
    for (let from = 0; from < seed.count; from += sessionsPerTransaction) {
      const batch = await next;
      if (from + sessionsPerTransaction < seed.count) next = ask(from + sessionsPerTransaction);
      insertBatch(batch);
    }
    for (const { sql } of indexes) db.exec(sql);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    await worker.terminate();
    db.close();
  }
  return { sessions: seed.count, seconds: (performance.now() - started) / 1000, databaseBytes: statSync(file).size };
}

function readTemplate(
  db: BetterSqlite3.Database,
  seed: { tenant: string; clientId: string; usernames: string[] },
): Omit<SeedTemplate, 'masterKey'> {
  const app = db
    .prepare(
      `SELECT t.id AS tenantId, a.session_idle_ttl AS idleTtl, a.session_absolute_ttl AS absoluteTtl
       FROM apps a JOIN tenants t ON t.id = a.tenant_id WHERE t.name = ? AND a.client_id = ?`,
    )
    .get(seed.tenant, seed.clientId) as { tenantId: string; idleTtl: number; absoluteTtl: number };
  const userId = db.prepare('SELECT id FROM users WHERE tenant_id = ? AND email = ?').pluck();
  return {
    ...app,
    clientId: seed.clientId,
    userIds: seed.usernames.map((email) => userId.get(app.tenantId, email) as string),
    // what the bench's sign-ins ask for
    scope: grantedUserScope(['openid', 'profile', 'offline_access']),
    amr: ['pwd'],
  };
}

/** Inserts one batch of sessions with their devices and tokens, as the session repository writes them. */
function inserter(db: BetterSqlite3.Database, t: SeedTemplate) {
  const device = db.prepare(
    `INSERT INTO devices (id, tenant_id, user_id, name, platform, kind, installation_id, created_at)
     VALUES (?, ?, ?, 'Bench seeded device', 'unknown', 'primary', NULL, ?)`,
  );
  const session = db.prepare(
    `INSERT INTO sessions (id, tenant_id, user_id, client_id, device_id, parent_id, auth_time, amr, created_at,
       last_used_at, idle_ttl, absolute_expires_at, revoked_at, revoked_reason)
     VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
  );
  const token = db.prepare(
    `INSERT INTO session_refresh_tokens (session_id, slot, digest, tenant_id, client_id, generation, scope, dpop_jkt,
       issued_at, expires_at, consumed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
  );
  const amr = JSON.stringify(t.amr);
  return (batch: SeededSession[]) => {
    for (const [
      id,
      deviceId,
      userId,
      createdAt,
      lastUsedAt,
      absoluteExpiresAt,
      first,
      firstExpiry,
      current,
      currentExpiry,
    ] of batch) {
      device.run(deviceId, t.tenantId, userId, createdAt);
      session.run(
        id,
        t.tenantId,
        userId,
        t.clientId,
        deviceId,
        createdAt,
        amr,
        createdAt,
        lastUsedAt,
        t.idleTtl,
        absoluteExpiresAt,
      );
      token.run(id, 0, first, t.tenantId, t.clientId, 0, t.scope, createdAt, firstExpiry, lastUsedAt);
      token.run(id, 1, current, t.tenantId, t.clientId, 1, t.scope, lastUsedAt, currentExpiry, null);
    }
  };
}
