import { describe, expect, it } from 'vitest';
import type { RefreshTokenRecord } from '../../src/core/model.js';
import { refreshTokenColumns } from '../../src/storage/repositories/session-repository.js';
import { engines } from '../support/databases.js';
import { aDevice, aSession, aToken, openedSession, presentedAs, storedUser, t0, useStore } from './store.js';

describe.each(engines)('session repository on %s', (engine) => {
  const store = useStore(engine);
  const tokensOf = (sessionId: string) =>
    store()
      .handle.db.selectFrom('session_refresh_tokens')
      .select(['digest', 'generation'])
      .where('session_id', '=', sessionId)
      .execute();
  /** A token as an instance between migrations 0014 and 0017 stored it: by digest, naming the one it replaced. */
  const storedBefore0018 = (token: RefreshTokenRecord, previousDigest: string | null) =>
    store()
      .handle.db.insertInto('refresh_tokens')
      .values({ ...refreshTokenColumns(token), previous_digest: previousDigest })
      .execute();
  const earlierTokensOf = (sessionId: string) =>
    store()
      .handle.db.selectFrom('refresh_tokens')
      .select(['generation', 'consumed_at'])
      .where('session_id', '=', sessionId)
      .orderBy('generation')
      .execute();

  describe('open', () => {
    it('stores the device, the session and its first refresh token', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const { device, session, token } = await openedSession(repos, user, { amr: ['pwd', 'mfa'] });
      expect(await repos.sessions.find(session.id)).toEqual(session);
      expect(await repos.sessions.findRefreshToken(presentedAs(token))).toEqual({
        token,
        session,
        user,
        installationId: device.installationId,
        device: { kind: device.kind, platform: device.platform },
      });
      expect(await repos.sessions.listByUser(user.tenantId, user.id)).toEqual([{ ...session, device }]);
    });

    it('opens a second session on a device that already exists', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const phone = await openedSession(repos, user);
      const child = await openedSession(
        repos,
        user,
        { parentId: phone.session.id, createdAt: t0 + 1 },
        phone.device.id,
      );
      const listed = await repos.sessions.listByUser(user.tenantId, user.id);
      expect(listed.map((s) => [s.id, s.device.id])).toEqual([
        [phone.session.id, phone.device.id],
        [child.session.id, phone.device.id],
      ]);
    });

    it('writes nothing when any part fails', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const existing = await openedSession(repos, user);
      const device = aDevice(user);
      const session = aSession(user, device.id);
      // The existing session's first token holds its slot 0.
      await expect(repos.sessions.open(device, session, aToken(existing.session))).rejects.toThrow();
      expect(await repos.sessions.find(session.id)).toBeNull();
      expect(await repos.sessions.listByUser(user.tenantId, user.id)).toEqual([
        { ...existing.session, device: existing.device },
      ]);
      expect(await store().handle.db.selectFrom('devices').select('id').where('id', '=', device.id).execute()).toEqual(
        [],
      );
    });
  });

  describe('findRefreshToken', () => {
    it('answers the token with its session as it is now, and the user it belongs to', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const { session, token } = await openedSession(repos, user);
      await repos.sessions.revokeTree(session.id, 'signed_out', t0 + 5);
      const found = await repos.sessions.findRefreshToken(presentedAs(token));
      expect(found?.token).toEqual(token);
      expect(found?.session).toEqual({ ...session, revokedAt: t0 + 5, revokedReason: 'signed_out' });
      expect(found?.user).toEqual(user);
    });

    it('answers null for an unknown digest, and for a slot that holds another token', async () => {
      const { repos } = store();
      expect(await repos.sessions.findRefreshToken({ digest: 'no-such-digest', claims: null })).toBeNull();
      const { token } = await openedSession(repos, await storedUser(repos));
      expect(await repos.sessions.findRefreshToken({ ...presentedAs(token), digest: 'no-such-digest' })).toBeNull();
      expect(await repos.sessions.findRefreshToken({ ...presentedAs(token), claims: null })).toBeNull();
    });

    it('finds a token stored before migration 0018 by its digest, whatever it claims', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const { session } = await openedSession(repos, user);
      const earlier = aToken(session, { generation: 6 });
      await storedBefore0018(earlier, null);
      expect((await repos.sessions.findRefreshToken(presentedAs(earlier)))?.token).toEqual(earlier);
      expect((await repos.sessions.findRefreshToken({ ...presentedAs(earlier), claims: null }))?.token).toEqual(
        earlier,
      );
    });
  });

  describe('rotate', () => {
    it('consumes the token, stores the successor and touches the session', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const { session, token } = await openedSession(repos, user);
      const successor = aToken(session, { generation: 1, issuedAt: t0 + 1000 });
      expect(await repos.sessions.rotate(presentedAs(token), successor, t0 + 1000)).toEqual({ rotated: true });
      expect((await repos.sessions.findRefreshToken(presentedAs(token)))?.token.consumedAt).toBe(t0 + 1000);
      expect(await repos.sessions.findRefreshToken(presentedAs(successor))).toEqual({
        token: successor,
        session: { ...session, lastUsedAt: t0 + 1000 },
        user,
        installationId: null,
        device: { kind: 'primary', platform: 'android' },
      });
    });

    it('lets exactly one of twenty concurrent rotations of one token win and store a successor', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const { session, token } = await openedSession(repos, user);
      // Distinct successors, so a second winner could not hide behind a primary-key clash.
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          repos.sessions.rotate(presentedAs(token), aToken(session, { generation: 1 }), t0 + 1000),
        ),
      );
      expect(results.filter((r) => r.rotated)).toHaveLength(1);
      expect((await tokensOf(session.id)).map((t) => t.generation).sort()).toEqual([0, 1]);
    });

    it('refuses to rotate a token that was already consumed', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const { session, token } = await openedSession(repos, user);
      await repos.sessions.rotate(presentedAs(token), aToken(session, { generation: 1 }), t0 + 1000);
      const late = aToken(session, { generation: 1 });
      expect(await repos.sessions.rotate(presentedAs(token), late, t0 + 2000)).toEqual({ rotated: false });
      expect(await repos.sessions.findRefreshToken(presentedAs(late))).toBeNull();
      expect((await repos.sessions.findRefreshToken(presentedAs(token)))?.token.consumedAt).toBe(t0 + 1000);
      expect(await repos.sessions.find(session.id)).toMatchObject({ lastUsedAt: t0 + 1000 });
    });

    it('keeps the current token and the one it replaced, each in its slot', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const { session, token } = await openedSession(repos, user);
      const chain = [token, ...[1, 2, 3].map((generation) => aToken(session, { generation }))];
      for (let generation = 1; generation <= 3; generation++)
        await repos.sessions.rotate(presentedAs(chain[generation - 1]!), chain[generation]!, t0 + generation);
      expect((await tokensOf(session.id)).map((t) => t.generation).sort()).toEqual([2, 3]);
      expect(await repos.sessions.findRefreshToken(presentedAs(chain[1]!))).toBeNull();
    });

    it('claims a token stored before migration 0018 for exactly one of racing rotations; it stays, the row before it goes', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const { session } = await openedSession(repos, user);
      const replaced = aToken(session, { generation: 3, consumedAt: t0 });
      const presented = aToken(session, { generation: 4 });
      await storedBefore0018(replaced, null);
      await storedBefore0018(presented, replaced.digest);
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          repos.sessions.rotate(presentedAs(presented), aToken(session, { generation: 5 }), t0 + 1000),
        ),
      );
      expect(results.filter((r) => r.rotated)).toHaveLength(1);
      expect(await earlierTokensOf(session.id)).toEqual([{ generation: 4, consumed_at: t0 + 1000 }]);
      expect((await tokensOf(session.id)).map((t) => t.generation).sort()).toEqual([0, 5]);
    });

    it('refuses to rotate a token that does not exist, or whose slot holds another', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const { session } = await openedSession(repos, user);
      expect(await repos.sessions.rotate({ digest: 'no-such-digest', claims: null }, aToken(session), t0)).toEqual({
        rotated: false,
      });
      expect(await repos.sessions.rotate(presentedAs(aToken(session)), aToken(session), t0)).toEqual({
        rotated: false,
      });
      expect(await tokensOf(session.id)).toHaveLength(1);
    });
  });

  describe('revokeTree', () => {
    async function family() {
      const { repos } = store();
      const user = await storedUser(repos);
      const parent = await openedSession(repos, user);
      const child = await openedSession(repos, user, { parentId: parent.session.id });
      const grandchild = await openedSession(repos, user, { parentId: child.session.id });
      const sibling = await openedSession(repos, user);
      return {
        repos,
        ids: {
          parent: parent.session.id,
          child: child.session.id,
          grandchild: grandchild.session.id,
          sibling: sibling.session.id,
        },
      };
    }

    it('revokes a session and all its descendants, and nothing else', async () => {
      const { repos, ids } = await family();
      const revoked = await repos.sessions.revokeTree(ids.parent, 'refresh_token_reuse', t0 + 7);
      expect(revoked.sort()).toEqual([ids.parent, ids.child, ids.grandchild].sort());
      for (const id of [ids.parent, ids.child, ids.grandchild]) {
        expect(await repos.sessions.find(id)).toMatchObject({
          revokedAt: t0 + 7,
          revokedReason: 'refresh_token_reuse',
        });
      }
      expect(await repos.sessions.find(ids.sibling)).toMatchObject({ revokedAt: null, revokedReason: null });
    });

    it('leaves the parent alone when a child is revoked', async () => {
      const { repos, ids } = await family();
      expect((await repos.sessions.revokeTree(ids.child, 'companion_removed', t0 + 7)).sort()).toEqual(
        [ids.child, ids.grandchild].sort(),
      );
      expect(await repos.sessions.find(ids.parent)).toMatchObject({ revokedAt: null });
    });

    it('does not revoke or report a session that was already revoked', async () => {
      const { repos, ids } = await family();
      await repos.sessions.revokeTree(ids.child, 'companion_removed', t0 + 7);
      expect(await repos.sessions.revokeTree(ids.parent, 'signed_out', t0 + 9)).toEqual([ids.parent]);
      expect(await repos.sessions.find(ids.grandchild)).toMatchObject({
        revokedAt: t0 + 7,
        revokedReason: 'companion_removed',
      });
      expect(await repos.sessions.revokeTree(ids.parent, 'signed_out', t0 + 11)).toEqual([]);
    });
  });

  describe('revokeUser', () => {
    it("revokes every live session of the user and no one else's", async () => {
      const { repos } = store();
      const [user, other] = [await storedUser(repos), await storedUser(repos)];
      const first = await openedSession(repos, user);
      const second = await openedSession(repos, user, { parentId: first.session.id });
      const theirs = await openedSession(repos, other);
      expect((await repos.sessions.revokeUser(user.tenantId, user.id, 'admin', t0 + 3)).sort()).toEqual(
        [first.session.id, second.session.id].sort(),
      );
      expect(await repos.sessions.find(second.session.id)).toMatchObject({ revokedAt: t0 + 3, revokedReason: 'admin' });
      expect(await repos.sessions.find(theirs.session.id)).toMatchObject({ revokedAt: null });
      expect(await repos.sessions.revokeUser(user.tenantId, user.id, 'admin', t0 + 4)).toEqual([]);
    });

    it('revokes nothing for the user id in another tenant', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const { session } = await openedSession(repos, user);
      expect(await repos.sessions.revokeUser('another-tenant', user.id, 'admin', t0)).toEqual([]);
      expect(await repos.sessions.find(session.id)).toMatchObject({ revokedAt: null });
    });
  });

  describe('a child session and the revocation of its tree', () => {
    it('opens no child under a revoked parent, and writes nothing', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      const phone = await openedSession(repos, user);
      await repos.sessions.revokeTree(phone.session.id, 'signed_out', t0 + 1);
      const watch = aDevice(user, { kind: 'companion' });
      const companion = aSession(user, watch.id, { parentId: phone.session.id });
      expect(await repos.sessions.open(watch, companion, aToken(companion))).toBe(false);
      expect(await repos.sessions.find(companion.id)).toBeNull();
    });

    it('leaves no live child under a revoked parent when children are added while the tree is revoked', async () => {
      const { repos } = store();
      const user = await storedUser(repos);
      for (let round = 0; round < 10; round += 1) {
        const phone = await openedSession(repos, user);
        const children = Array.from({ length: 4 }, () => {
          const device = aDevice(user, { kind: 'companion' });
          const session = aSession(user, device.id, { parentId: phone.session.id });
          return { device, session };
        });
        await Promise.all([
          ...children.map(({ device, session }) => repos.sessions.open(device, session, aToken(session))),
          repos.sessions.revokeTree(phone.session.id, 'signed_out', t0 + 1),
        ]);
        for (const { session } of children) {
          const stored = await repos.sessions.find(session.id);
          expect(
            stored === null || stored.revokedAt !== null,
            `round ${round}: a live child under a revoked parent`,
          ).toBe(true);
        }
      }
    });
  });

  describe('listByUser', () => {
    it("lists the user's sessions, revoked ones included, oldest first, each with its device", async () => {
      const { repos } = store();
      const [user, other] = [await storedUser(repos), await storedUser(repos)];
      const later = await openedSession(repos, user, { createdAt: t0 + 2 });
      const earlier = await openedSession(repos, user, { createdAt: t0 + 1 });
      await openedSession(repos, other);
      await repos.sessions.revokeTree(earlier.session.id, 'signed_out', t0 + 3);
      const watch = aDevice(user, { name: 'Watch', platform: 'wearos', kind: 'companion', createdAt: t0 + 4 });
      const companion = aSession(user, watch.id, { parentId: later.session.id, createdAt: t0 + 4 });
      await repos.sessions.open(watch, companion, aToken(companion));
      expect(await repos.sessions.listByUser(user.tenantId, user.id)).toEqual([
        { ...earlier.session, revokedAt: t0 + 3, revokedReason: 'signed_out', device: earlier.device },
        { ...later.session, device: later.device },
        { ...companion, device: watch },
      ]);
      expect(await repos.sessions.listByUser('another-tenant', user.id)).toEqual([]);
    });
  });
});
