import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { aToken, openedSession, presentedAs, storedUser, t0, useStore } from './store.js';

const shortLived = [
  'continuation_tokens',
  'one_time_codes',
  'session_transfer_tokens',
  'authorization_codes',
  'request_counters',
  'refresh_tokens',
  'session_refresh_tokens',
  'dpop_proofs',
] as const;

describe.each(engines)('expired-record repository on %s', (engine) => {
  const store = useStore(engine);

  /** One row in each short-lived table expiring at `expiresAt`; returns their keys by table. */
  async function rowsExpiringAt(expiresAt: number) {
    const { handle, repos } = store();
    const user = await storedUser(repos);
    const { session, token } = await openedSession(repos, user);
    const key = randomUUID();
    const common = { tenant_id: user.tenantId, created_at: t0, expires_at: expiresAt };
    await handle.db
      .insertInto('continuation_tokens')
      .values({
        ...common,
        digest: key,
        client_id: session.clientId,
        flow: 'sign-in',
        user_id: user.id,
        state: '{}',
        flow_expires_at: expiresAt,
      })
      .execute();
    await handle.db
      .insertInto('one_time_codes')
      .values({
        ...common,
        id: key,
        flow_id: randomUUID(),
        target: user.email,
        code_digest: 'd',
        attempts: 0,
        consumed_at: null,
      })
      .execute();
    await handle.db
      .insertInto('session_transfer_tokens')
      .values({
        ...common,
        digest: key,
        session_id: session.id,
        client_id: session.clientId,
        audience: 'watch',
        consumed_at: null,
      })
      .execute();
    await handle.db
      .insertInto('authorization_codes')
      .values({
        ...common,
        digest: key,
        client_id: session.clientId,
        redirect_uri: 'https://app.example.com/cb',
        code_challenge: 'c',
        scope: 'openid',
        nonce: null,
        browser_session_id: session.id,
        consumed_at: null,
        issued_session_id: null,
      })
      .execute();
    await handle.db.insertInto('request_counters').values({ key, count: 1, expires_at: expiresAt }).execute();
    await repos.dpopProofs.remember(key, expiresAt, t0 - 60_000);
    // A token stored before migration 0018, and one in its session's slot.
    await handle.db
      .insertInto('refresh_tokens')
      .values({
        digest: key,
        session_id: session.id,
        tenant_id: user.tenantId,
        client_id: session.clientId,
        generation: 7,
        scope: 'openid',
        dpop_jkt: null,
        issued_at: t0,
        expires_at: expiresAt,
        consumed_at: null,
        previous_digest: null,
      })
      .execute();
    await repos.sessions.rotate(
      presentedAs(token),
      aToken(session, { digest: key, generation: 1, issuedAt: t0, expiresAt }),
      t0,
    );
    return key;
  }

  async function present(key: string): Promise<string[]> {
    const { db } = store().handle;
    const found: string[] = [];
    if (await db.selectFrom('continuation_tokens').select('digest').where('digest', '=', key).executeTakeFirst())
      found.push('continuation_tokens');
    if (await db.selectFrom('one_time_codes').select('id').where('id', '=', key).executeTakeFirst())
      found.push('one_time_codes');
    if (await db.selectFrom('session_transfer_tokens').select('digest').where('digest', '=', key).executeTakeFirst())
      found.push('session_transfer_tokens');
    if (await db.selectFrom('authorization_codes').select('digest').where('digest', '=', key).executeTakeFirst())
      found.push('authorization_codes');
    if (await db.selectFrom('request_counters').select('key').where('key', '=', key).executeTakeFirst())
      found.push('request_counters');
    if (await db.selectFrom('refresh_tokens').select('digest').where('digest', '=', key).executeTakeFirst())
      found.push('refresh_tokens');
    if (await db.selectFrom('session_refresh_tokens').select('digest').where('digest', '=', key).executeTakeFirst())
      found.push('session_refresh_tokens');
    if (await db.selectFrom('dpop_proofs').select('key').where('key', '=', key).executeTakeFirst())
      found.push('dpop_proofs');
    return found;
  }

  it('deletes the records of every short-lived kind that expired before the cut-off, and nothing else', async () => {
    const { expiredRecords } = store().repos;
    const [old, atCutOff, live] = [
      await rowsExpiringAt(t0 + 1_000),
      await rowsExpiringAt(t0 + 5_000),
      await rowsExpiringAt(t0 + 9_000),
    ];
    expect(await expiredRecords.deleteExpired(t0 + 5_000, 100)).toBe(shortLived.length);
    expect(await present(old)).toEqual([]);
    expect(await present(atCutOff)).toEqual([...shortLived]);
    expect(await present(live)).toEqual([...shortLived]);
    expect(await expiredRecords.deleteExpired(t0 + 5_000, 100)).toBe(0);
  });

  it('deletes at most `limit` records of each kind per call, the oldest first', async () => {
    const { expiredRecords } = store().repos;
    const [older, newer] = [await rowsExpiringAt(t0 - 20_000), await rowsExpiringAt(t0 - 10_000)];
    expect(await expiredRecords.deleteExpired(t0, 1)).toBe(shortLived.length);
    expect(await present(older)).toEqual([]);
    expect(await present(newer)).toEqual([...shortLived]);
    expect(await expiredRecords.deleteExpired(t0, 1)).toBe(shortLived.length);
    expect(await present(newer)).toEqual([]);
  });

  it('deletes attempt counts once both their last failure and their lockout ended before the cut-off', async () => {
    const { handle, repos } = store();
    const row = (key: string, updatedAt: number, lockedUntil: number) => ({
      key,
      failures: 3,
      updated_at: updatedAt,
      locked_until: lockedUntil,
    });
    const [dead, stillLocked, recent] = [`ip:${randomUUID()}`, `account:${randomUUID()}`, `ip:${randomUUID()}`];
    await handle.db
      .insertInto('rate_limits')
      .values([row(dead, t0 - 9_000, t0 - 8_000), row(stillLocked, t0 - 9_000, t0 + 1_000), row(recent, t0 + 1_000, 0)])
      .execute();
    expect(await repos.expiredRecords.deleteExpired(t0, 100)).toBe(1);
    const left = (await handle.db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key);
    expect(left).not.toContain(dead);
    expect(left).toEqual(expect.arrayContaining([stillLocked, recent]));
  });
});
