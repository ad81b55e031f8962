import { CompactEncrypt, importJWK } from 'jose';
import type { SdkContext } from '../context.js';
import { BatonSdkError, isSdkError } from '../errors.js';
import type { SessionTransferSource } from '../tokens/session-transfer.js';
import { nextMessage } from '../transport/next-message.js';
import type { Transport } from '../transport/transport.js';
import {
  errorMessage,
  handoffVersion,
  isPublicP256,
  messageOf,
  transferContentType,
  type HandoffError,
  type Paired,
  type PairRequest,
  type SessionTransfer,
  type TransferPayload,
} from './messages.js';
import { pairingCode } from './pairing-code.js';

/** What the phone's app is asked to confirm: the device asking, and the code it should be showing. */
export interface PairingConfirmation {
  deviceName: string;
  platform: string;
  /** Six digits from the key the transfer token would be encrypted to; the companion shows the same (`onPairingCode`). */
  code: string;
}

interface HandOffCommon {
  /** The companion app's client_id (registered with --accept-session-transfer). */
  audience: string;
  /** How long to wait for the companion's pairing request; 120 s by default. */
  pairingTimeoutMs?: number;
  /** How long to wait for the companion to confirm it redeemed the token; 30 s by default. */
  redeemTimeoutMs?: number;
}

/**
 * Pairing confirmation is on by default: `confirm` is called with the pairing request and
 * its six-digit code before any transfer token is asked for. Show the code and let the
 * user compare it with the companion's screen (or compare it programmatically with a code
 * obtained another way); return false to refuse. Without it, the session goes to whichever
 * key answered first on the transport.
 *
 * `insecureSkipPairingConfirmation: true` turns that off, for transports that already
 * authenticate the peer (WatchConnectivity, the Wear Data Layer); never on a network
 * transport such as a WebSocket.
 */
export type HandOffOptions = HandOffCommon &
  (
    | { confirm(request: PairingConfirmation): boolean | Promise<boolean>; insecureSkipPairingConfirmation?: false }
    | { insecureSkipPairingConfirmation: true; confirm?: undefined }
  );

export interface HandOffResult {
  pairingId: string;
  deviceName: string;
  platform: string;
}

/**
 * The phone's half of the brokered handoff: wait for the companion's pairing request,
 * get a session transfer token for its app, encrypt it to the companion's key, send it,
 * and wait for the companion to say it redeemed it. Only the 60-second single-use token
 * crosses the transport, and only encrypted.
 */
export async function handOff(
  account: SessionTransferSource,
  ctx: SdkContext,
  transport: Transport,
  options: HandOffOptions,
): Promise<HandOffResult> {
  // Checked before anything happens: JavaScript callers get no type error for a missing confirm.
  if (!options.confirm && options.insecureSkipPairingConfirmation !== true) {
    throw new BatonSdkError(
      'handoff_failed',
      'handOff() needs confirm(), to check the pairing code the companion shows, or insecureSkipPairingConfirmation: true on a transport that authenticates the peer',
    );
  }
  const request = await nextMessage(
    transport,
    (m) => messageOf<PairRequest>(m, ['baton.pair'], null),
    options.pairingTimeoutMs ?? 120_000,
    'pairing request',
  );
  const fail = async (error: BatonSdkError): Promise<never> => {
    await transport.send({ ...errorMessage(request.pairing_id, error.code, error.message) }).catch(() => undefined);
    throw error;
  };
  if (!isPublicP256(request.encryption_jwk))
    return fail(new BatonSdkError('handoff_failed', 'The pairing request has no public P-256 encryption key'));
  if (request.client_id !== options.audience) {
    return fail(
      new BatonSdkError('handoff_failed', `The companion is app ${String(request.client_id)}, not ${options.audience}`),
    );
  }
  const result = {
    pairingId: request.pairing_id,
    deviceName: String(request.device_name ?? ''),
    platform: String(request.platform ?? ''),
  };
  if (
    options.confirm &&
    !(await options.confirm({
      deviceName: result.deviceName,
      platform: result.platform,
      code: await pairingCode(request.encryption_jwk),
    }))
  ) {
    return fail(new BatonSdkError('handoff_failed', 'The user refused the pairing'));
  }

  let transfer: { token: string; expiresIn: number };
  try {
    transfer = await account.requestSessionTransfer(options.audience);
  } catch (error) {
    return fail(
      isSdkError(error)
        ? error
        : new BatonSdkError('handoff_failed', 'Could not get a session transfer token', { cause: error }),
    );
  }
  const payload: TransferPayload = {
    session_transfer_token: transfer.token,
    pairing_id: request.pairing_id,
    base_url: ctx.http.baseUrl,
    audience: options.audience,
  };
  const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: transferContentType })
    .encrypt(await importJWK(request.encryption_jwk, 'ECDH-ES+A256KW'));
  const message: SessionTransfer = {
    type: 'baton.session_transfer',
    version: handoffVersion,
    pairing_id: request.pairing_id,
    jwe,
    base_url: ctx.http.baseUrl,
    client_id: ctx.config.clientId,
    audience: options.audience,
    expires_in: transfer.expiresIn,
  };
  await transport.send({ ...message });

  const answer = await nextMessage(
    transport,
    (m) => messageOf<Paired | HandoffError>(m, ['baton.paired', 'baton.error'], request.pairing_id),
    options.redeemTimeoutMs ?? 30_000,
    'confirmation from the companion',
  );
  if (answer.type === 'baton.error')
    throw new BatonSdkError(
      'handoff_failed',
      `The companion could not sign in: ${answer.error_description} (${answer.error})`,
    );
  return result;
}
