import { digest, hmac } from '../../crypto/digest.js';
import type { RefreshTokenRecord, Session } from '../model.js';
import type { PresentedRefreshToken } from '../ports.js';
import {
  formatRefreshToken,
  newRefreshTokenSecret,
  readRefreshToken,
  type RefreshTokenClaims,
  type RefreshTokenKeys,
} from './refresh-token-format.js';

/**
 * The refresh token that replaces `presented` (of `session`, at `generation`): its secret is a
 * keyed HMAC of the presented token, so every retry of one rotation, on any instance, derives
 * the same successor without storing it in the clear.
 */
export function successorOf(presented: string, replaced: RefreshTokenClaims, keys: RefreshTokenKeys): string {
  const secret = Buffer.from(legacySuccessorOf(presented, keys), 'base64url');
  return formatRefreshToken({ sessionId: replaced.sessionId, generation: replaced.generation + 1 }, secret, keys.mac);
}

/**
 * The successor a token got before tokens named their session (migration 0014): a retry of
 * a token rotated just before the upgrade still finds it.
 */
export function legacySuccessorOf(presented: string, keys: RefreshTokenKeys): string {
  return hmac(keys.successor, `refresh-successor:${presented}`);
}

/** What storage finds `token` by: its digest, and the session and generation it names when its MAC is right. */
export function presentedRefreshToken(token: string, keys: RefreshTokenKeys): PresentedRefreshToken {
  return { digest: digest(token), claims: readRefreshToken(token, keys.mac) };
}

/** The token a session is opened with. */
export function firstRefreshToken(sessionId: string, keys: RefreshTokenKeys): string {
  return formatRefreshToken({ sessionId, generation: 0 }, newRefreshTokenSecret(), keys.mac);
}

/** A refresh-token row for `token`; it lives until the session's idle or absolute limit. */
export function refreshTokenRecord(
  token: string,
  session: Session,
  fields: { scope: string; generation: number; dpopJkt: string | null; now: number },
): RefreshTokenRecord {
  return {
    digest: digest(token),
    sessionId: session.id,
    tenantId: session.tenantId,
    clientId: session.clientId,
    generation: fields.generation,
    scope: fields.scope,
    dpopJkt: fields.dpopJkt,
    issuedAt: fields.now,
    expiresAt: Math.min(session.absoluteExpiresAt, fields.now + session.idleTtl * 1000),
    consumedAt: null,
  };
}

/** Why a session can no longer be used at `now`, or null when it can. */
export function sessionEndReason(session: Session, now: number): string | null {
  if (session.revokedAt !== null) return 'The session has been revoked';
  if (now >= session.absoluteExpiresAt) return 'The session has reached its maximum lifetime; sign in again';
  if (now >= session.lastUsedAt + session.idleTtl * 1000)
    return 'The session expired after a period of inactivity; sign in again';
  return null;
}
