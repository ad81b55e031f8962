import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digest } from '../../crypto/digest.js';
import type { Session } from '../model.js';
import { readRefreshToken } from './refresh-token-format.js';
import {
  firstRefreshToken,
  legacySuccessorOf,
  refreshTokenRecord,
  sessionEndReason,
  successorOf,
} from './refresh-tokens.js';

const t0 = Date.UTC(2026, 0, 1);
const hour = 3_600_000;
const session: Session = {
  id: 's1',
  tenantId: 't1',
  userId: 'u1',
  clientId: 'c1',
  deviceId: 'd1',
  parentId: null,
  authTime: t0,
  amr: ['pwd'],
  createdAt: t0,
  lastUsedAt: t0,
  idleTtl: 3600,
  absoluteExpiresAt: t0 + 24 * hour,
  revokedAt: null,
  revokedReason: null,
};

describe('successorOf', () => {
  const keys = { successor: randomBytes(32), mac: randomBytes(32) };
  const sessionId = randomUUID();
  const token = firstRefreshToken(sessionId, keys);

  it('derives the same successor, one generation on, from the same token and keys', () => {
    const successor = successorOf(token, { sessionId, generation: 0 }, keys);
    expect(successorOf(token, { sessionId, generation: 0 }, { ...keys, successor: Buffer.from(keys.successor) })).toBe(
      successor,
    );
    expect(readRefreshToken(successor, keys.mac)).toEqual({ sessionId, generation: 1 });
  });

  it('derives different successors for different tokens or keys', () => {
    const successor = successorOf(token, { sessionId, generation: 0 }, keys);
    const other = firstRefreshToken(sessionId, keys);
    expect(successorOf(other, { sessionId, generation: 0 }, keys)).not.toBe(successor);
    expect(successorOf(token, { sessionId, generation: 0 }, { ...keys, successor: randomBytes(32) })).not.toBe(
      successor,
    );
    expect(successor).not.toBe(token);
  });

  it('keeps the successor a token issued before migration 0014 got: a keyed HMAC, 256 bits', () => {
    expect(legacySuccessorOf('legacy-token', keys)).toMatch(/^[\w-]{43}$/);
    expect(legacySuccessorOf('legacy-token', keys)).toBe(legacySuccessorOf('legacy-token', { ...keys }));
    expect(Buffer.from(legacySuccessorOf('legacy-token', keys), 'base64url')).toEqual(
      Buffer.from(successorOf('legacy-token', { sessionId, generation: 7 }, keys), 'base64url').subarray(21, 53),
    );
  });
});

describe('firstRefreshToken', () => {
  it('names the session at generation 0 around a fresh secret', () => {
    const keys = { successor: randomBytes(32), mac: randomBytes(32) };
    const sessionId = randomUUID();
    const first = firstRefreshToken(sessionId, keys);
    expect(readRefreshToken(first, keys.mac)).toEqual({ sessionId, generation: 0 });
    expect(firstRefreshToken(sessionId, keys)).not.toBe(first);
  });
});

describe('refreshTokenRecord', () => {
  it('stores only the digest and expires with the idle limit', () => {
    const record = refreshTokenRecord('the-token', session, {
      scope: 'openid',
      generation: 3,
      dpopJkt: 'jkt',
      now: t0,
    });
    expect(record).toEqual({
      digest: digest('the-token'),
      sessionId: 's1',
      tenantId: 't1',
      clientId: 'c1',
      generation: 3,
      scope: 'openid',
      dpopJkt: 'jkt',
      issuedAt: t0,
      expiresAt: t0 + hour,
      consumedAt: null,
    });
  });

  it('never outlives the session', () => {
    const now = t0 + 23.5 * hour;
    expect(refreshTokenRecord('t', session, { scope: 'openid', generation: 1, dpopJkt: null, now }).expiresAt).toBe(
      session.absoluteExpiresAt,
    );
  });
});

describe('sessionEndReason', () => {
  it('is null for a live session up to the last millisecond', () => {
    expect(sessionEndReason(session, t0)).toBeNull();
    expect(sessionEndReason(session, t0 + hour - 1)).toBeNull();
    expect(sessionEndReason({ ...session, lastUsedAt: t0 + 23 * hour }, t0 + 24 * hour - 1)).toBeNull();
  });

  it('reports a revoked session, before any expiry', () => {
    expect(sessionEndReason({ ...session, revokedAt: t0, revokedReason: 'signed_out' }, t0)).toMatch(/revoked/);
    expect(sessionEndReason({ ...session, revokedAt: t0 }, t0 + 48 * hour)).toMatch(/revoked/);
  });

  it('reports an idle session once idleTtl has passed since the last use', () => {
    expect(sessionEndReason(session, t0 + hour)).toMatch(/inactivity/);
    expect(sessionEndReason({ ...session, lastUsedAt: t0 + 2 * hour }, t0 + 3 * hour)).toMatch(/inactivity/);
  });

  it('reports a session past its absolute lifetime, however recently used', () => {
    expect(sessionEndReason({ ...session, lastUsedAt: t0 + 24 * hour - 1 }, t0 + 24 * hour)).toMatch(
      /maximum lifetime/,
    );
  });
});
