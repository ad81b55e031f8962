import { grantTypes } from '@baton/protocol';
import { CompactEncrypt, compactDecrypt, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/core/model.js';
import { postForm } from '../../server/test/support/http.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import {
  Companion,
  DpopSigner,
  MemoryStore,
  memoryTransportPair,
  type Account,
  type PairRequest,
  type SessionTransfer,
  type Transport,
  type TransportMessage,
} from '../src/index.js';
import { expectKind, recordingFetch, sdkClient } from './support.js';

/**
 * Both halves of the pairing-code check, as an app wires them: the watch shows its code,
 * the phone confirms only that code (the user would compare the two screens).
 */
function codeCheck() {
  let shown: string | undefined;
  return {
    watch: {
      onPairingCode: (code: string) => {
        shown = code;
      },
    },
    confirm: ({ code }: { code: string }) => code === shown,
  };
}

/** The next message on `transport` of `type`. */
const next = <T>(transport: Transport, type: string) =>
  new Promise<T>((resolve) => {
    const stop = transport.onMessage((m: TransportMessage) => {
      if (m.type !== type) return;
      stop();
      resolve(m as unknown as T);
    });
  });

describe('brokered handoff over the in-memory transport, against a real Baton', () => {
  let t: TestServer;
  let phoneApp: App;
  let watchApp: App;
  beforeAll(async () => {
    t = await startTestServer();
    phoneApp = (await t.registerApp({ name: 'Phone app', allowSessionTransfer: true })).app;
    watchApp = (await t.registerApp({ name: 'Watch app', acceptSessionTransfer: true })).app;
  });
  afterAll(async () => {
    await t?.close();
  });

  const phoneSignIn = async (app = phoneApp, store = new MemoryStore()) =>
    expectKind(
      await sdkClient(t, { app, store }).signIn({ username: t.user.email, password: t.userPassword }),
      'signed_in',
    ).account;
  const companion = (store = new MemoryStore(), fetch?: ReturnType<typeof recordingFetch>['fetch']) =>
    new Companion({
      baseUrl: t.base,
      clientId: watchApp.clientId,
      store,
      platform: { device: { name: "Ada's watch", platform: 'watchOS 11' }, ...(fetch ? { fetch } : {}) },
    });
  const storedRefreshToken = async (store: MemoryStore, clientId: string) =>
    JSON.parse((await store.get(`baton.session:${clientId}`))!).refreshToken as string;
  const handOff = async (phone: Account, watch: Companion) => {
    const [phoneSide, watchSide] = memoryTransportPair();
    const check = codeCheck();
    const [watchAccount, result] = await Promise.all([
      watch.pair(watchSide, check.watch),
      phone.handOff(phoneSide, { audience: watchApp.clientId, confirm: check.confirm }),
    ]);
    return { watchAccount, result };
  };
  const tokenUrl = () => `${t.base}/oauth2/v2.0/token`;
  const installationOf = async (store: MemoryStore) => (await store.get('baton.installation_id')) ?? '';
  /** A refresh outside the SDK, from the installation whose store is `store`. */
  const refreshWith = async (store: MemoryStore, clientId: string, refreshToken: string, dpop?: string) =>
    postForm(
      tokenUrl(),
      {
        client_id: clientId,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        installation_id: await installationOf(store),
      },
      dpop ? { dpop } : {},
    );

  it('gives the companion its own DPoP-bound child session, on a companion device, without rotating the phone token', async () => {
    const phoneStore = new MemoryStore();
    const phone = await phoneSignIn(phoneApp, phoneStore);
    const phoneRefreshToken = await storedRefreshToken(phoneStore, phoneApp.clientId);
    const recorder = recordingFetch();
    const watchStore = new MemoryStore();
    const { watchAccount, result } = await handOff(phone, companion(watchStore, recorder.fetch));

    expect(result.deviceName).toBe("Ada's watch");
    expect(watchAccount.dpopBound).toBe(true);
    expect(watchAccount.username).toBe(t.user.email);
    const sessions = await t.services.sessions.list(t.tenant, t.user);
    const child = sessions.find((s) => s.id === watchAccount.claims.sessionId);
    expect(child).toMatchObject({ parentId: phone.claims.sessionId, clientId: watchApp.clientId, revokedAt: null });
    expect(child?.device).toMatchObject({ kind: 'companion', name: "Ada's watch", platform: 'watchOS 11' });

    // The watch refreshes on its own, each time with a fresh proof, and calls a DPoP resource.
    for (let i = 0; i < 3; i++) await watchAccount.getAccessToken({ forceRefresh: true });
    const proofs = [...recorder.grants('refresh_token'), ...recorder.grants(grantTypes.tokenExchange)].map((r) =>
      r.headers.get('dpop'),
    );
    expect(recorder.grants('refresh_token')).toHaveLength(3);
    expect(proofs).toHaveLength(4);
    expect(new Set(proofs).size).toBe(4);
    expect(proofs.every(Boolean)).toBe(true);
    const userinfo = await watchAccount.fetch(`${t.base}/oidc/userinfo`);
    expect(userinfo.status).toBe(200);
    expect(recorder.requests.at(-1)?.headers.get('authorization')).toMatch(/^DPoP /);

    // The phone's refresh token was not consumed by the handoff: it still refreshes.
    expect(await storedRefreshToken(phoneStore, phoneApp.clientId)).toBe(phoneRefreshToken);
    const phoneRefresh = await refreshWith(phoneStore, phoneApp.clientId, phoneRefreshToken);
    expect(phoneRefresh.status).toBe(200);
  });

  it('a companion reopened from its store keeps refreshing with its key', async () => {
    const watchStore = new MemoryStore();
    await handOff(await phoneSignIn(), companion(watchStore));
    const reopened = await companion(watchStore).getAccount();
    expect(reopened?.dpopBound).toBe(true);
    expect(await reopened!.getAccessToken({ forceRefresh: true })).toEqual(expect.any(String));
  });

  it("refuses the companion refresh token without a proof, with another key's proof, and with a replayed proof", async () => {
    const watchStore = new MemoryStore();
    await handOff(await phoneSignIn(), companion(watchStore));
    const refreshToken = await storedRefreshToken(watchStore, watchApp.clientId);
    const ownKey = await DpopSigner.create(await watchStore.keyPair('baton.dpop', 'ECDSA'), Date.now);
    const otherKey = await DpopSigner.create(await new MemoryStore().keyPair('baton.dpop', 'ECDSA'), Date.now);

    const noProof = await refreshWith(watchStore, watchApp.clientId, refreshToken);
    expect(noProof.status).toBe(400);
    expect(noProof.body.error).toBe('invalid_grant');
    const foreign = await refreshWith(
      watchStore,
      watchApp.clientId,
      refreshToken,
      await otherKey.proof({ method: 'POST', url: tokenUrl() }),
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toBe('invalid_grant');

    const proof = await ownKey.proof({ method: 'POST', url: tokenUrl() });
    const good = await refreshWith(watchStore, watchApp.clientId, refreshToken, proof);
    expect(good.status).toBe(200);
    expect(good.body.token_type).toBe('DPoP');
    const replayed = await refreshWith(watchStore, watchApp.clientId, good.body.refresh_token, proof);
    expect(replayed.status).toBe(400);
    expect(replayed.body.error).toBe('invalid_dpop_proof');
    expect(
      (
        await refreshWith(
          watchStore,
          watchApp.clientId,
          good.body.refresh_token,
          await ownKey.proof({ method: 'POST', url: tokenUrl() }),
        )
      ).status,
    ).toBe(200);
  });

  describe('speaking the documented messages by hand (as a Swift or Kotlin phone would)', () => {
    /** Answers one pairing request with `token`, encrypted to `encryptTo` (the request's own key unless given). */
    const answerPairing = async (phoneSide: Transport, token: string, encryptTo?: PairRequest['encryption_jwk']) => {
      const request = await next<PairRequest>(phoneSide, 'baton.pair');
      const payload = {
        session_transfer_token: token,
        pairing_id: request.pairing_id,
        base_url: t.base,
        audience: watchApp.clientId,
      };
      const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'baton-session-transfer+json' })
        .encrypt(await importJWK(encryptTo ?? request.encryption_jwk, 'ECDH-ES+A256KW'));
      const message: SessionTransfer = {
        type: 'baton.session_transfer',
        version: 1,
        pairing_id: request.pairing_id,
        jwe,
        base_url: t.base,
        client_id: phoneApp.clientId,
        audience: watchApp.clientId,
        expires_in: 60,
      };
      await phoneSide.send({ ...message });
      return {
        request,
        message,
        reply: await Promise.race([
          next<TransportMessage>(phoneSide, 'baton.paired'),
          next<TransportMessage>(phoneSide, 'baton.error'),
        ]),
      };
    };

    it('a replayed transfer token fails: the second companion is told why, and so is the phone', async () => {
      const phone = await phoneSignIn();
      const { token } = await phone.requestSessionTransfer(watchApp.clientId);
      const [phoneA, watchA] = memoryTransportPair();
      const [first, answered] = await Promise.all([companion().pair(watchA), answerPairing(phoneA, token)]);
      expect(first.dpopBound).toBe(true);
      expect(answered.reply.type).toBe('baton.paired');

      const [phoneB, watchB] = memoryTransportPair();
      const [second, replay] = await Promise.all([
        companion()
          .pair(watchB)
          .catch((e: unknown) => e),
        answerPairing(phoneB, token),
      ]);
      expect(second).toMatchObject({ code: 'handoff_failed', serverError: 'invalid_grant' });
      expect(replay.reply).toMatchObject({
        type: 'baton.error',
        error: 'handoff_failed',
        pairing_id: replay.request.pairing_id,
      });
      expect(
        (await t.services.repos.audit.list({ tenantId: t.tenant.id, type: 'session_transfer.replayed' })).length,
      ).toBeGreaterThanOrEqual(1);
    });

    it('two companions racing to redeem one transfer token: exactly one gets a session', async () => {
      const { token } = await (await phoneSignIn()).requestSessionTransfer(watchApp.clientId);
      const [phoneA, watchA] = memoryTransportPair();
      const [phoneB, watchB] = memoryTransportPair();
      const outcomes = await Promise.all([
        companion()
          .pair(watchA)
          .catch((e: unknown) => e),
        companion()
          .pair(watchB)
          .catch((e: unknown) => e),
        answerPairing(phoneA, token),
        answerPairing(phoneB, token),
      ]);
      const accounts = outcomes.slice(0, 2).filter((o) => (o as Account).dpopBound === true);
      expect(accounts).toHaveLength(1);
      expect(outcomes.slice(0, 2).find((o) => !accounts.includes(o))).toMatchObject({
        code: 'handoff_failed',
        serverError: 'invalid_grant',
      });
    });

    it("a JWE made for one companion's key cannot be opened by another companion", async () => {
      const phone = await phoneSignIn();
      const { token } = await phone.requestSessionTransfer(watchApp.clientId);
      const otherStore = new MemoryStore();
      const other = await otherStore.keyPair('baton.handoff.ecdh', 'ECDH');
      const { kty, crv, x, y } = await globalThis.crypto.subtle.exportKey('jwk', other.publicKey);
      const [phoneSide, watchSide] = memoryTransportPair();
      const [outcome, answered] = await Promise.all([
        companion()
          .pair(watchSide)
          .catch((e: unknown) => e),
        answerPairing(phoneSide, token, { kty, crv, x, y }),
      ]);
      expect(outcome).toMatchObject({
        code: 'handoff_failed',
        message: expect.stringContaining('could not be decrypted'),
      });
      expect(answered.reply.type).toBe('baton.error');
      // Only the key it was made for opens it.
      const { plaintext } = await compactDecrypt(answered.message.jwe, other.privateKey);
      expect(JSON.parse(new TextDecoder().decode(plaintext)).session_transfer_token).toBe(token);
    });
  });

  it('reports the server refusals on both sides: app not allowed to transfer, audience not accepting', async () => {
    const [p1, w1] = memoryTransportPair();
    const check = codeCheck();
    const [watchOutcome, phoneOutcome] = await Promise.all([
      companion()
        .pair(w1, check.watch)
        .catch((e: unknown) => e),
      (await phoneSignIn(t.app))
        .handOff(p1, { audience: watchApp.clientId, confirm: check.confirm })
        .catch((e: unknown) => e),
    ]);
    expect(phoneOutcome).toMatchObject({ code: 'unauthorized_client' });
    expect(watchOutcome).toMatchObject({
      code: 'handoff_failed',
      message: expect.stringContaining('unauthorized_client'),
    });

    const phone = await phoneSignIn();
    await expect(phone.requestSessionTransfer(t.app.clientId)).rejects.toMatchObject({ code: 'invalid_target' });
  });

  it('revoking the phone session on sign-out ends the companion session at its next refresh', async () => {
    const phone = await phoneSignIn();
    const { watchAccount } = await handOff(phone, companion());
    await phone.signOut({ revoke: true });
    await expect(watchAccount.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'session_ended' });
    expect(watchAccount.signedOut).toBe(true);
  });

  it('an expired transfer token (61 s on the server clock) is refused', async () => {
    const clocked = await startTestServer({ manualClock: true });
    try {
      const phoneApp2 = (await clocked.registerApp({ name: 'Phone', allowSessionTransfer: true })).app;
      const watchApp2 = (await clocked.registerApp({ name: 'Watch', acceptSessionTransfer: true })).app;
      const phone = expectKind(
        await sdkClient(clocked, { app: phoneApp2 }).signIn({
          username: clocked.user.email,
          password: clocked.userPassword,
        }),
        'signed_in',
      ).account;
      const [phoneSide, watchSide] = memoryTransportPair();
      const watch = new Companion({ baseUrl: clocked.base, clientId: watchApp2.clientId, store: new MemoryStore() });
      const slowPhone: Transport = {
        ...phoneSide,
        // The transfer message takes 61 s to cross (the server's clock moves; nobody sleeps).
        send: async (message) => {
          if (message.type === 'baton.session_transfer') clocked.clock.advance!(61_000);
          return phoneSide.send(message);
        },
      };
      const check = codeCheck();
      const [outcome, phoneOutcome] = await Promise.all([
        watch.pair(watchSide, check.watch).catch((e: unknown) => e),
        phone.handOff(slowPhone, { audience: watchApp2.clientId, confirm: check.confirm }).catch((e: unknown) => e),
      ]);
      expect(outcome).toMatchObject({ code: 'handoff_failed', serverError: 'invalid_grant' });
      expect(phoneOutcome).toMatchObject({
        code: 'handoff_failed',
        message: expect.stringContaining('could not sign in'),
      });
    } finally {
      await clocked.close();
    }
  });
});
