import { grantTypes, tokenTypes } from '@baton/protocol';
import { compactDecrypt } from 'jose';
import { createContext, type ClientConfig, type SdkContext } from '../context.js';
import { BatonSdkError, isSdkError } from '../errors.js';
import { errorFromAnswer } from '../http/wire-errors.js';
import { randomId } from '../platform.js';
import { exportJwk } from '../storage/secure-store.js';
import { Account } from '../tokens/account.js';
import { AccountSlot } from '../tokens/account-slot.js';
import { recordFrom } from '../tokens/session-record.js';
import { dpopSigner, TokenCache } from '../tokens/token-cache.js';
import { postToken } from '../tokens/token-endpoint.js';
import { nextMessage } from '../transport/next-message.js';
import type { Transport } from '../transport/transport.js';
import {
  errorMessage,
  handoffVersion,
  messageOf,
  transferContentType,
  type HandoffError,
  type Paired,
  type PairRequest,
  type SessionTransfer,
  type TransferPayload,
} from './messages.js';
import { pairingCode } from './pairing-code.js';

export const encryptionKeyName = 'baton.handoff.ecdh';

export interface PairOptions {
  /** How long to wait for the phone; 120 s by default. */
  timeoutMs?: number;
  /**
   * Called with the six-digit code to show, for the user to compare with the phone's: the
   * phone hands off only once its app confirms the code (unless it skips confirmation).
   */
  onPairingCode?(code: string): void;
}

/**
 * The companion's half of the brokered handoff (a watch, a widget, a car...). It owns two
 * P-256 key pairs in its store: ECDH to receive the transfer token, ECDSA for DPoP (WebCrypto
 * keeps the two uses apart). After `pair()` it holds a DPoP-bound session of its own, a
 * child of the phone's, and refreshes it without the phone.
 */
export class Companion {
  private readonly ctx: SdkContext;
  private readonly slot: AccountSlot;

  constructor(config: ClientConfig) {
    this.ctx = createContext(config);
    this.slot = new AccountSlot(this.ctx);
  }

  /** The session a previous pairing left in the store, or null. */
  getAccount(): Promise<Account | null> {
    return this.slot.get();
  }

  /**
   * Asks the phone on `transport` for a session and redeems what it sends. Resolves with
   * the companion's own Account; throws `handoff_failed`, `timeout`, or the server's
   * error (the phone is told too).
   */
  async pair(transport: Transport, options: PairOptions = {}): Promise<Account> {
    const ctx = this.ctx;
    const pairingId = randomId(16);
    const encryption = await ctx.store.keyPair(encryptionKeyName, 'ECDH');
    const { kty, crv, x, y } = await exportJwk(encryption.publicKey);
    const request: PairRequest = {
      type: 'baton.pair',
      version: handoffVersion,
      pairing_id: pairingId,
      encryption_jwk: { kty, crv, x, y },
      client_id: ctx.config.clientId,
      device_name: ctx.platform.device.name,
      platform: ctx.platform.device.platform,
    };
    options.onPairingCode?.(await pairingCode(request.encryption_jwk));
    await transport.send({ ...request });
    const answer = await nextMessage(
      transport,
      (m) => messageOf<SessionTransfer | HandoffError>(m, ['baton.session_transfer', 'baton.error'], pairingId),
      options.timeoutMs ?? 120_000,
      'session transfer from the phone',
    );
    if (answer.type === 'baton.error')
      throw new BatonSdkError(
        'handoff_failed',
        `The phone could not hand off: ${answer.error_description} (${answer.error})`,
      );
    try {
      const token = await this.open(answer, pairingId, encryption.privateKey);
      const account = await this.redeem(token);
      const paired: Paired = { type: 'baton.paired', version: handoffVersion, pairing_id: pairingId };
      await transport.send({ ...paired });
      return account;
    } catch (error) {
      const failure = isSdkError(error)
        ? error
        : new BatonSdkError('handoff_failed', 'The handoff failed', { cause: error });
      await transport.send({ ...errorMessage(pairingId, failure.code, failure.message) }).catch(() => undefined);
      throw failure;
    }
  }

  /** Decrypts the JWE and checks it is for this pairing, this server and this app. */
  private async open(
    message: SessionTransfer,
    pairingId: string,
    privateKey: Parameters<typeof compactDecrypt>[1],
  ): Promise<string> {
    let payload: TransferPayload;
    try {
      const { plaintext, protectedHeader } = await compactDecrypt(String(message.jwe), privateKey, {
        keyManagementAlgorithms: ['ECDH-ES+A256KW'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      if (protectedHeader.cty !== transferContentType) throw new Error(`unexpected cty ${String(protectedHeader.cty)}`);
      payload = JSON.parse(new TextDecoder().decode(plaintext)) as TransferPayload;
    } catch (cause) {
      throw new BatonSdkError(
        'handoff_failed',
        "The session transfer could not be decrypted with this companion's key",
        { cause },
      );
    }
    const sameServer = trimSlash(payload.base_url) === trimSlash(this.ctx.http.baseUrl);
    if (
      payload.pairing_id !== pairingId ||
      !sameServer ||
      payload.audience !== this.ctx.config.clientId ||
      typeof payload.session_transfer_token !== 'string'
    ) {
      throw new BatonSdkError('handoff_failed', 'The session transfer is for another pairing, server or app');
    }
    return payload.session_transfer_token;
  }

  /** Step 2 of the handoff: the transfer token for tokens bound to this store's DPoP key. */
  private async redeem(transferToken: string): Promise<Account> {
    const dpop = await dpopSigner(this.ctx);
    const answer = await postToken(
      this.ctx,
      {
        grant_type: grantTypes.tokenExchange,
        subject_token: transferToken,
        subject_token_type: tokenTypes.sessionTransferToken,
      },
      dpop,
    );
    if (!answer.ok) {
      const error = errorFromAnswer(answer);
      if (error.serverError !== 'invalid_grant') throw error;
      throw new BatonSdkError(
        'handoff_failed',
        `The server refused the session transfer token (expired, already used or for another app): ${error.message}`,
        { serverError: 'invalid_grant', status: answer.status },
      );
    }
    const cache = await TokenCache.save(this.ctx, recordFrom(answer.body, this.ctx.platform.now()), dpop);
    return this.slot.set(new Account(this.ctx, cache));
  }
}

function trimSlash(url: unknown): string {
  return String(url).replace(/\/+$/, '');
}
