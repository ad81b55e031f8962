import type { JWK } from 'jose';
import type { TransportMessage } from '../transport/transport.js';

/**
 * The handoff messages, as documented in docs/handoff-protocol.md. Every message is a
 * JSON object with `type`, `version` and the `pairing_id` the companion chose.
 */
export const handoffVersion = 1;

/** Companion -> phone: "hand me a session", with the public key to encrypt it to. */
export interface PairRequest {
  type: 'baton.pair';
  version: 1;
  pairing_id: string;
  /** Public ECDH P-256 JWK (kty, crv, x, y): the session transfer token is encrypted to it. */
  encryption_jwk: JWK;
  /** The companion app's client_id: the audience the transfer token must be for. */
  client_id: string;
  device_name: string;
  platform: string;
}

/** Phone -> companion: the transfer token, encrypted to the companion's key. */
export interface SessionTransfer {
  type: 'baton.session_transfer';
  version: 1;
  pairing_id: string;
  /** Compact JWE (ECDH-ES+A256KW, A256GCM) of a TransferPayload. */
  jwe: string;
  /** The tenant base URL (`{public_url}/{tenant}`) that issued the token. */
  base_url: string;
  /** The phone app's client_id. */
  client_id: string;
  /** The companion app's client_id the token is for. */
  audience: string;
  /** Seconds the transfer token lives (60 at most). */
  expires_in: number;
}

/** The JWE's plaintext: the token, bound to this pairing, issuer and audience. */
export interface TransferPayload {
  session_transfer_token: string;
  pairing_id: string;
  base_url: string;
  audience: string;
}

/** Companion -> phone: redeemed; the companion has its own session. */
export interface Paired {
  type: 'baton.paired';
  version: 1;
  pairing_id: string;
}

/** Either side: the handoff failed; `error` is an SDK error code. */
export interface HandoffError {
  type: 'baton.error';
  version: 1;
  pairing_id: string;
  error: string;
  error_description: string;
}

export type HandoffMessage = PairRequest | SessionTransfer | Paired | HandoffError;

export const transferContentType = 'baton-session-transfer+json';

export function errorMessage(pairingId: string, error: string, description: string): HandoffError {
  return { type: 'baton.error', version: handoffVersion, pairing_id: pairingId, error, error_description: description };
}

/** The message if it is `type` for this pairing (any pairing when `pairingId` is null), of a version this SDK speaks. */
export function messageOf<T extends HandoffMessage>(
  message: TransportMessage,
  types: T['type'][],
  pairingId: string | null,
): T | undefined {
  if (
    !types.includes(message.type as T['type']) ||
    message.version !== handoffVersion ||
    typeof message.pairing_id !== 'string'
  )
    return undefined;
  if (pairingId !== null && message.pairing_id !== pairingId) return undefined;
  return message as unknown as T;
}

/** A public P-256 key and nothing else (a private `d` would mean the sender leaked its key). */
export function isPublicP256(jwk: unknown): jwk is JWK {
  if (typeof jwk !== 'object' || jwk === null) return false;
  const k = jwk as Record<string, unknown>;
  return k.kty === 'EC' && k.crv === 'P-256' && typeof k.x === 'string' && typeof k.y === 'string' && !('d' in k);
}
