import { digest, hmac, randomToken } from '../../crypto/digest.js';
import type { RefreshTokenRecord, Session } from '../model.js';

/**
 * The refresh token that replaces `presented`: a keyed HMAC of it, so every retry of one
 * rotation, on any instance, derives the same successor without storing it in the clear.
 */
export function successorOf(presented: string, key: Buffer): string {
  return hmac(key, `refresh-successor:${presented}`);
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

export const newRefreshToken = (): string => randomToken();

/** Why a session can no longer be used at `now`, or null when it can. */
export function sessionEndReason(session: Session, now: number): string | null {
  if (session.revokedAt !== null) return 'The session has been revoked';
  if (now >= session.absoluteExpiresAt) return 'The session has reached its maximum lifetime; sign in again';
  if (now >= session.lastUsedAt + session.idleTtl * 1000)
    return 'The session expired after a period of inactivity; sign in again';
  return null;
}
