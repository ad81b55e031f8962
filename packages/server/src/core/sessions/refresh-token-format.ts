import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MasterKey } from '../../crypto/master-key.js';

/**
 * A refresh token names its session and generation under a MAC, so a token whose row is
 * gone (storage keeps only a session's current and previous token) is still recognised as
 * this session's older token: its reuse revokes the session, while a forged one (a known
 * session id, a made-up MAC) is merely invalid. Layout, base64url of 69 bytes:
 * version (1) | session id, a UUID (16) | generation, big-endian (4) | secret (32) | MAC (16).
 * The secret is random at sign-in and a keyed HMAC of the presented token at each
 * rotation; the MAC, keyed apart from it, covers everything before it.
 */
const version = 1;
const secretLength = 32;
const macLength = 16;
const claimsLength = 1 + 16 + 4 + secretLength;
const tokenLength = claimsLength + macLength;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface RefreshTokenClaims {
  sessionId: string;
  /** 0 for the token issued at sign-in, +1 per rotation. */
  generation: number;
}

/** The keys of refresh tokens, each derived from the master key for one purpose. */
export interface RefreshTokenKeys {
  /** Derives a rotation's successor from the presented token. */
  successor: Buffer;
  /** Authenticates the session id and generation a token carries. */
  mac: Buffer;
}

export function refreshTokenKeysOf(masterKey: MasterKey): RefreshTokenKeys {
  return { successor: masterKey.derive('refresh-successor'), mac: masterKey.derive('refresh-token-mac') };
}

/** A token for `claims` around `secret` (32 bytes: random at sign-in, derived at rotation). */
export function formatRefreshToken(claims: RefreshTokenClaims, secret: Buffer, macKey: Buffer): string {
  if (!uuid.test(claims.sessionId)) throw new Error('A refresh token names a session by its UUID');
  if (secret.length !== secretLength) throw new Error(`A refresh token's secret is ${secretLength} bytes`);
  const body = Buffer.alloc(claimsLength);
  body.writeUInt8(version, 0);
  Buffer.from(claims.sessionId.replaceAll('-', ''), 'hex').copy(body, 1);
  body.writeUInt32BE(claims.generation, 17);
  secret.copy(body, 21);
  return Buffer.concat([body, macOf(body, macKey)]).toString('base64url');
}

/**
 * The session and generation a token names, if its MAC is right; null for anything else:
 * a forged token, or one issued before this format (looked up by its digest alone).
 */
export function readRefreshToken(token: string, macKey: Buffer): RefreshTokenClaims | null {
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== tokenLength || bytes.toString('base64url') !== token || bytes[0] !== version) return null;
  const body = bytes.subarray(0, claimsLength);
  if (!timingSafeEqual(bytes.subarray(claimsLength), macOf(body, macKey))) return null;
  const hex = body.subarray(1, 17).toString('hex');
  return {
    sessionId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    generation: body.readUInt32BE(17),
  };
}

export const newRefreshTokenSecret = (): Buffer => randomBytes(secretLength);

function macOf(body: Buffer, macKey: Buffer): Buffer {
  return createHmac('sha256', macKey).update('refresh-token:').update(body).digest().subarray(0, macLength);
}
