import { randomBytes, randomUUID } from 'node:crypto';
import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { Session } from '../../src/core/model.js';
import type { Repositories } from '../../src/core/ports.js';
import { createServices } from '../../src/core/services.js';
import {
  formatRefreshToken,
  newRefreshTokenSecret,
  readRefreshToken,
  refreshTokenKeysOf,
} from '../../src/core/sessions/refresh-token-format.js';
import { MailOutbox } from '../../src/core/testing/mail-outbox.js';
import { digest } from '../../src/crypto/digest.js';
import { MasterKey } from '../../src/crypto/master-key.js';
import { type DatabaseHandle, migrate, openDatabase } from '../../src/storage/database.js';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import { appRow } from '../../src/storage/repositories/app-repository.js';
import { createRepositories } from '../../src/storage/repositories/index.js';
import { type EngineName, engines, freshDatabaseUrl } from '../support/databases.js';
import { anApp, aUser, t0 } from './store.js';

const retryWindow = 10;

/** The domain over one database, as every instance of Baton runs it: sessions rotate through the real repositories. */
function batonOver(handle: DatabaseHandle) {
  const repos: Repositories = createRepositories(handle);
  const clock = fixedClock(t0);
  const masterKey = MasterKey.fromString(randomBytes(32).toString('hex'));
  const services = createServices({
    repos,
    masterKey,
    clock,
    publicUrl: 'https://baton.test',
    mailer: new MailOutbox(),
    limits: { flowStartsPerIpPerMinute: 0 },
  });
  return { repos, clock, services, keys: refreshTokenKeysOf(masterKey) };
}

const appSettings = {
  name: 'Phone app',
  lifetimes: { refreshRetryWindow: retryWindow, sessionIdleTtl: 3600, sessionAbsoluteTtl: 86_400 },
};

async function signedIn(baton: ReturnType<typeof batonOver>) {
  const tenant = await baton.services.tenants.create({ name: `t-${randomBytes(4).toString('hex')}`, codeLength: 6 });
  const { app } = await baton.services.apps.register(tenant, appSettings);
  const user = aUser(tenant.id);
  await baton.repos.users.create(user, null);
  return { tenant, app, user };
}

/**
 * `signedIn` on a database migrated only part of the way: the app row as an older schema
 * can hold it (the columns later migrations add are left out; they take their defaults).
 */
async function signedInBefore(baton: ReturnType<typeof batonOver>, handle: DatabaseHandle) {
  const tenant = await baton.services.tenants.create({ name: `t-${randomBytes(4).toString('hex')}`, codeLength: 6 });
  const app = anApp(tenant.id, { refreshRetryWindow: retryWindow, sessionIdleTtl: 3600, sessionAbsoluteTtl: 86_400 });
  const columns = new Set(
    (await handle.db.introspection.getTables()).find((table) => table.name === 'apps')!.columns.map((c) => c.name),
  );
  const row = Object.fromEntries(Object.entries(appRow(app)).filter(([column]) => columns.has(column)));
  await handle.db
    .insertInto('apps')
    .values(row as never)
    .execute();
  const user = aUser(tenant.id);
  await baton.repos.users.create(user, null);
  return { tenant, app, user };
}

/** A session's refresh-token rows, in its slots and stored before migration 0018, by generation. */
async function rowsOf(handle: DatabaseHandle, session: Pick<Session, 'id'>) {
  const rows = [];
  for (const table of ['refresh_tokens', 'session_refresh_tokens'] as const)
    rows.push(
      ...(await handle.db
        .selectFrom(table)
        .select(['generation', 'consumed_at'])
        .where('session_id', '=', session.id)
        .execute()),
    );
  return rows.sort((left, right) => left.generation - right.generation);
}

/** Migrates `handle` up to the migration before `name`. */
async function migrateBefore(handle: DatabaseHandle, engine: EngineName, name: string) {
  const names = Object.keys(await migrationProvider(engine).getMigrations()).sort();
  const { error } = await new Migrator({ db: handle.db, provider: migrationProvider(engine) }).migrateTo(
    names[names.indexOf(name) - 1]!,
  );
  if (error) throw error;
}

/** A device and a session as Baton stored them before, row by row. */
async function storedSession(
  handle: DatabaseHandle,
  { tenant, app, user }: Awaited<ReturnType<typeof signedInBefore>>,
) {
  const device = { id: randomUUID() };
  const session = { id: randomUUID() };
  await handle.db
    .insertInto('devices')
    .values({
      id: device.id,
      tenant_id: tenant.id,
      user_id: user.id,
      name: 'Phone',
      platform: 'android',
      kind: 'primary',
      installation_id: null,
      created_at: t0,
    })
    .execute();
  await handle.db
    .insertInto('sessions')
    .values({
      id: session.id,
      tenant_id: tenant.id,
      user_id: user.id,
      client_id: app.clientId,
      device_id: device.id,
      parent_id: null,
      auth_time: t0,
      amr: '["pwd"]',
      created_at: t0,
      last_used_at: t0,
      idle_ttl: 3600,
      absolute_expires_at: t0 + 86_400_000,
      revoked_at: null,
      revoked_reason: null,
    })
    .execute();
  return session;
}

describe.each(engines)('refresh tokens on %s', (engine) => {
  it('keeps two rows for a session refreshed 1,000 times; generation 3 is still reuse after 900, and a retry still gets the same successor', async () => {
    const handle = openDatabase(await freshDatabaseUrl(engine));
    try {
      await migrate(handle);
      const baton = batonOver(handle);
      const { tenant, app, user } = await signedIn(baton);
      const active = await baton.services.sessions.open({
        tenant,
        app,
        user,
        amr: ['pwd'],
        scope: 'openid offline_access',
        device: { name: 'Phone', platform: 'android', kind: 'primary' },
      });
      const refresh = (presented: string) => baton.services.sessions.refresh({ tenant, app, presented });
      const tokens = [active.refreshToken];
      for (let generation = 1; generation <= 1000; generation++) {
        baton.clock.advance(1000);
        tokens.push((await refresh(tokens.at(-1)!)).refreshToken);
        if (generation % 100 === 0) expect((await rowsOf(handle, active.session)).length).toBeLessThanOrEqual(2);
      }
      expect(await rowsOf(handle, active.session)).toEqual([
        { generation: 999, consumed_at: expect.anything() },
        { generation: 1000, consumed_at: null },
      ]);
      expect(readRefreshToken(tokens[1000]!, baton.keys.mac)).toEqual({
        sessionId: active.session.id,
        generation: 1000,
      });

      const retried = await refresh(tokens[999]!);
      expect(retried.refreshToken).toBe(tokens[1000]);
      expect(await rowsOf(handle, active.session)).toHaveLength(2);

      baton.clock.advance(1000);
      await expect(refresh(tokens[3]!)).rejects.toMatchObject({ code: 'refresh_token_reused' });
      expect(await baton.repos.sessions.find(active.session.id)).toMatchObject({
        revokedReason: 'refresh_token_reuse',
      });
      await expect(refresh(tokens[1000]!)).rejects.toMatchObject({ code: 'invalid_refresh_token' });
    } finally {
      await handle.close();
    }
  }, 120_000);

  it('refreshes a token stored before migration 0014 once, into the new format, and still knows the old one', async () => {
    const handle = openDatabase(await freshDatabaseUrl(engine));
    try {
      await migrateBefore(handle, engine, '0014-bounded-refresh-tokens');
      const baton = batonOver(handle);
      const signIn = await signedInBefore(baton, handle);
      const { tenant, app } = signIn;
      const session = await storedSession(handle, signIn);
      // What Baton wrote at sign-in before 0014: 256 random bits, stored as their digest.
      const legacy = randomBytes(32).toString('base64url');
      await handle.db
        .insertInto('refresh_tokens')
        .values({
          digest: digest(legacy),
          session_id: session.id,
          tenant_id: tenant.id,
          client_id: app.clientId,
          generation: 4,
          scope: 'openid offline_access',
          dpop_jkt: null,
          issued_at: t0,
          expires_at: t0 + 3_600_000,
          consumed_at: null,
        })
        .execute();
      expect(await migrate(handle)).toContain('0014-bounded-refresh-tokens');

      const refresh = (presented: string) => baton.services.sessions.refresh({ tenant, app, presented });
      baton.clock.advance(1000);
      const next = await refresh(legacy);
      expect(readRefreshToken(next.refreshToken, baton.keys.mac)).toEqual({ sessionId: session.id, generation: 5 });
      expect((await refresh(legacy)).refreshToken).toBe(next.refreshToken);
      let current = next.refreshToken;
      for (let count = 0; count < 5; count++) current = (await refresh(current)).refreshToken;
      // The old token keeps its row until it expires: that row alone recognises it as this session's.
      expect(await rowsOf(handle, session)).toEqual([
        { generation: 4, consumed_at: t0 + 1000 },
        { generation: 9, consumed_at: expect.anything() },
        { generation: 10, consumed_at: null },
      ]);
      baton.clock.advance(retryWindow * 1000);
      await expect(refresh(legacy)).rejects.toMatchObject({ code: 'refresh_token_reused' });
      expect(await baton.repos.sessions.find(session.id)).toMatchObject({ revokedReason: 'refresh_token_reuse' });
    } finally {
      await handle.close();
    }
  });

  it("refreshes a token stored before migration 0018 into its session's slot; a retry gets the same successor, reuse revokes", async () => {
    const handle = openDatabase(await freshDatabaseUrl(engine));
    try {
      await migrateBefore(handle, engine, '0018-session-refresh-tokens');
      const baton = batonOver(handle);
      const signIn = await signedInBefore(baton, handle);
      const { tenant, app } = signIn;
      const session = await storedSession(handle, signIn);
      // What Baton wrote from 0014 to 0017: tokens naming their session, rows by digest naming the one replaced.
      const [replaced, presented] = [3, 4].map((generation) =>
        formatRefreshToken({ sessionId: session.id, generation }, newRefreshTokenSecret(), baton.keys.mac),
      );
      const row = (token: string, generation: number) => ({
        digest: digest(token),
        session_id: session.id,
        tenant_id: tenant.id,
        client_id: app.clientId,
        generation,
        scope: 'openid offline_access',
        dpop_jkt: null,
        issued_at: t0,
        expires_at: t0 + 3_600_000,
      });
      await handle.db
        .insertInto('refresh_tokens')
        .values([
          { ...row(replaced!, 3), consumed_at: t0, previous_digest: null },
          { ...row(presented!, 4), consumed_at: null, previous_digest: digest(replaced!) },
        ])
        .execute();
      expect(await migrate(handle)).toEqual(['0018-session-refresh-tokens']);

      const refresh = (token: string) => baton.services.sessions.refresh({ tenant, app, presented: token });
      baton.clock.advance(1000);
      const next = await refresh(presented!);
      expect(readRefreshToken(next.refreshToken, baton.keys.mac)).toEqual({ sessionId: session.id, generation: 5 });
      // The presented row stays, consumed, until it expires; the one before it goes.
      expect(await rowsOf(handle, session)).toEqual([
        { generation: 4, consumed_at: t0 + 1000 },
        { generation: 5, consumed_at: null },
      ]);
      baton.clock.advance(retryWindow * 1000);
      expect((await refresh(presented!)).refreshToken).toBe(next.refreshToken);
      await refresh(next.refreshToken);
      baton.clock.advance(1000);
      await expect(refresh(presented!)).rejects.toMatchObject({ code: 'refresh_token_reused' });
      expect(await baton.repos.sessions.find(session.id)).toMatchObject({ revokedReason: 'refresh_token_reuse' });
    } finally {
      await handle.close();
    }
  });
});
