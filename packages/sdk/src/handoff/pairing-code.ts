import { calculateJwkThumbprint, type JWK } from 'jose';
import { fromBase64url } from '../platform.js';

/**
 * Six digits both devices can show from the companion's public key: the user checks they
 * match before the phone hands off (`HandOffOptions.confirm`, on by default). Only a
 * transport that authenticates the peer itself (WatchConnectivity, the Wear Data Layer)
 * may skip it, with `insecureSkipPairingConfirmation`.
 */
export async function pairingCode(encryptionJwk: JWK): Promise<string> {
  const bytes = fromBase64url(await calculateJwkThumbprint(encryptionJwk));
  const n = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  return String(n % 1_000_000).padStart(6, '0');
}
