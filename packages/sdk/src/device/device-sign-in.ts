import { grantTypes } from '@baton/protocol';
import { type ClientConfig, createContext, type SdkContext } from '../context.js';
import { BatonSdkError } from '../errors.js';
import { errorFromAnswer } from '../http/wire-errors.js';
import { Account } from '../tokens/account.js';
import { AccountSlot } from '../tokens/account-slot.js';
import { recordFrom } from '../tokens/session-record.js';
import { dpopSigner, TokenCache } from '../tokens/token-cache.js';
import { postToken } from '../tokens/token-endpoint.js';

/** What the device shows the person: the code, where to enter it, and a link with it filled in (for a QR code). */
export interface DeviceCode {
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  /** Seconds the code lives. */
  expiresIn: number;
}

export interface DeviceSignInOptions {
  /** Shows the code (print it, draw its QR code); polling starts once it returns. */
  onCode(code: DeviceCode): void | Promise<void>;
  /** Stops polling: the promise rejects with `cancelled`. */
  signal?: AbortSignal;
}

/** RFC 8628 §3.5: each `slow_down` adds five seconds to the interval, for good. */
const slowDownMs = 5000;

/**
 * Sign-in on a device without a keyboard (a TV, a car, a console), with the device
 * authorization grant (RFC 8628; the app registered with `--device-code`): shows a code,
 * polls at the interval the server gives (longer after each `slow_down`) while the person
 * approves from their phone (`account.approveDevice`) or on the hosted page, and ends with
 * an Account whose tokens are bound to this store's DPoP key.
 */
export class DeviceSignIn {
  private readonly ctx: SdkContext;
  private readonly slot: AccountSlot;

  constructor(config: ClientConfig) {
    this.ctx = createContext(config);
    this.slot = new AccountSlot(this.ctx);
  }

  /** The session a previous sign-in left in the store, or null. */
  getAccount(): Promise<Account | null> {
    return this.slot.get();
  }

  /** Throws the server's error when the person denies (`access_denied`) or the code expires (`expired_token`). */
  async signIn(options: DeviceSignInOptions): Promise<Account> {
    const { ctx } = this;
    const started = await ctx.http.post('oauth2/v2.0/devicecode', { scope: ctx.scope, ...(await ctx.deviceParams()) });
    if (!started.ok) throw errorFromAnswer(started);
    const { device_code, user_code, verification_uri, verification_uri_complete, expires_in, interval } = started.body;
    if (typeof device_code !== 'string' || typeof user_code !== 'string' || typeof verification_uri !== 'string')
      throw new BatonSdkError('invalid_response', 'The device authorization endpoint answered no codes');
    await options.onCode({
      userCode: user_code,
      verificationUri: verification_uri,
      verificationUriComplete:
        typeof verification_uri_complete === 'string' ? verification_uri_complete : verification_uri,
      expiresIn: typeof expires_in === 'number' ? expires_in : 600,
    });
    const dpop = await dpopSigner(ctx);
    let waitMs = (typeof interval === 'number' ? interval : 5) * 1000;
    for (;;) {
      await pause(waitMs, options.signal);
      const answer = await postToken(ctx, { grant_type: grantTypes.deviceCode, device_code }, dpop);
      if (answer.ok) {
        const cache = await TokenCache.save(ctx, recordFrom(answer.body, ctx.platform.now()), dpop);
        return this.slot.set(new Account(ctx, cache));
      }
      if (answer.body.error === 'slow_down') waitMs += slowDownMs;
      else if (answer.body.error !== 'authorization_pending') throw errorFromAnswer(answer);
    }
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => new BatonSdkError('cancelled', 'Device sign-in was cancelled');
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(cancelled());
      },
      { once: true },
    );
  });
}
