import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { DpopProofVerifier } from '../../src/core/dpop/dpop-proof-verifier.js';
import type { Session, TransferTokenRecord } from '../../src/core/model.js';
import { engines } from '../support/databases.js';
import { dpopProof, newDpopKey } from '../support/dpop.js';
import { openedSession, storedUser, t0, useStore } from './store.js';

const aTransferToken = (session: Session, fields: Partial<TransferTokenRecord> = {}): TransferTokenRecord => ({
  digest: randomUUID(),
  tenantId: session.tenantId,
  sessionId: session.id,
  clientId: 'phone',
  audience: 'watch',
  createdAt: t0,
  expiresAt: t0 + 60_000,
  consumedAt: null,
  ...fields,
});

describe.each(engines)('transfer token repository on %s', (engine) => {
  const store = useStore(engine);
  const storedToken = async (fields: Partial<TransferTokenRecord> = {}) => {
    const { repos } = store();
    const { session } = await openedSession(repos, await storedUser(repos));
    const token = aTransferToken(session, fields);
    await repos.transferTokens.insert(token);
    return token;
  };
  const rowCount = async (digest: string) =>
    (
      await store()
        .handle.db.selectFrom('session_transfer_tokens')
        .select('digest')
        .where('digest', '=', digest)
        .execute()
    ).length;

  it('stores a token and finds it by digest', async () => {
    const token = await storedToken();
    expect(await store().repos.transferTokens.find(token.digest)).toEqual(token);
    expect(await store().repos.transferTokens.find('no-such-digest')).toBeNull();
  });

  it('consumes a token for exactly one of many concurrent callers, and records when', async () => {
    const { transferTokens } = store().repos;
    const token = await storedToken();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => transferTokens.consume(token.digest, t0 + 1000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await transferTokens.find(token.digest)).toEqual({ ...token, consumedAt: t0 + 1000 });
    expect(await transferTokens.consume(token.digest, t0 + 2000)).toBe(false);
    expect((await transferTokens.find(token.digest))?.consumedAt).toBe(t0 + 1000);
  });

  it('consumes only the token named, and nothing for an unknown digest', async () => {
    const { transferTokens } = store().repos;
    const [used, kept] = [await storedToken(), await storedToken()];
    expect(await transferTokens.consume('no-such-digest', t0)).toBe(false);
    expect(await transferTokens.consume(used.digest, t0 + 1)).toBe(true);
    expect(await transferTokens.find(kept.digest)).toEqual(kept);
  });

  it('forgets expired tokens when a new one is stored, and keeps live ones', async () => {
    const expired = await storedToken({ createdAt: t0, expiresAt: t0 + 60_000 });
    const live = await storedToken({ createdAt: t0 + 30_000, expiresAt: t0 + 90_000 });
    await storedToken({ createdAt: t0 + 61_000, expiresAt: t0 + 121_000 });
    expect(await rowCount(expired.digest)).toBe(0);
    expect(await rowCount(live.digest)).toBe(1);
  });
});

describe.each(engines)('DPoP proof replay repository on %s', (engine) => {
  const store = useStore(engine);
  const rows = async (key: string) =>
    (await store().handle.db.selectFrom('dpop_proofs').select('key').where('key', '=', key).execute()).length;

  it('remembers a proof once and reports it again as a replay', async () => {
    const { dpopProofs } = store().repos;
    const key = randomUUID();
    expect(await dpopProofs.remember(key, t0 + 180_000, t0)).toBe(true);
    expect(await dpopProofs.remember(key, t0 + 180_000, t0 + 1000)).toBe(false);
    expect(await dpopProofs.remember(randomUUID(), t0 + 180_000, t0 + 1000)).toBe(true);
  });

  it('takes a proof whose iat has a fraction once, then refuses it as a replay', async () => {
    const verifier = new DpopProofVerifier(store().repos.dpopProofs, fixedClock(t0));
    const request = { method: 'POST', url: 'https://id.example.com/token' };
    const key = await newDpopKey();
    const proof = await dpopProof(key, { ...request, now: t0 }, { claims: { iat: t0 / 1000 + 0.1234567 } });
    expect(await verifier.verify(proof, request)).toBe(key.jkt);
    await expect(verifier.verify(proof, request)).rejects.toMatchObject({ code: 'invalid_dpop_proof' });
  });

  it('lets exactly one of many concurrent callers remember the same proof', async () => {
    const { dpopProofs } = store().repos;
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => dpopProofs.remember(key, t0 + 180_000, t0)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await rows(key)).toBe(1);
  });

  it('a key whose record has expired is remembered again; one still live is a replay', async () => {
    const { dpopProofs } = store().repos;
    const [expiring, lasting] = [randomUUID(), randomUUID()];
    await dpopProofs.remember(expiring, t0 + 1000, t0);
    await dpopProofs.remember(lasting, t0 + 10_000, t0);
    expect(await dpopProofs.remember(expiring, t0 + 200_000, t0 + 2000)).toBe(true);
    expect(await dpopProofs.remember(expiring, t0 + 200_000, t0 + 3000)).toBe(false);
    expect(await dpopProofs.remember(lasting, t0 + 10_000, t0 + 3000)).toBe(false);
    expect(await rows(lasting)).toBe(1);
  });
});
