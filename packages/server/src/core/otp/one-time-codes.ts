import { randomInt, randomUUID } from 'node:crypto';
import { hmac, safeEqual } from '../../crypto/digest.js';
import type { RequestThrottle } from '../abuse/request-throttle.js';
import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import { invalidUsername } from '../accounts/account-service.js';
import { AddressRefused } from './code-delivery.js';
import type { CodeChannel, Tenant } from '../model.js';
import type { CodeMailer, CodeMessage, CodePurpose, OneTimeCodeRepository, SmsSender } from '../ports.js';
import { codeText } from './code-text.js';

export const codePolicy = {
  /** Minutes a code stays valid. */
  lifetimeMinutes: 10,
  /** Wrong attempts a code survives; the next one kills it. */
  maxAttempts: 5,
  /** Seconds before a new code can be sent in the same flow. */
  resendInterval: 30,
} as const;

export interface CodeChallenge {
  codeLength: number;
  /** Seconds before a new code can be asked for. */
  interval: number;
}

export type CodeCheck = 'accepted' | 'wrong' | 'expired';

/**
 * One-time codes, by mail or (with an SMS gateway) by text: random digits of the tenant's length, stored only as a keyed
 * HMAC, valid for 10 minutes, dead after 5 wrong attempts, single-use once accepted. A code
 * belongs to one flow; resending within the interval keeps the code already sent. An
 * address gets at most `codeSendPolicy.max` codes per window, across every flow; a phone
 * number also at most `textSendPolicy.max`, across every tenant.
 */
export class OneTimeCodes {
  constructor(
    private readonly codes: OneTimeCodeRepository,
    private readonly mailer: CodeMailer,
    private readonly throttle: RequestThrottle,
    private readonly clock: Clock,
    private readonly key: Buffer,
    /** Without a gateway, no code goes to a phone. */
    private readonly texter: SmsSender | undefined,
  ) {}

  /** Whether codes can go by `channel`: mail always, SMS only through a configured gateway. */
  delivers(channel: CodeChannel): boolean {
    return channel === 'email' || this.texter !== undefined;
  }

  /** Sends a code to `target` (a mailbox, or an E.164 number by `sms`), unless it was sent too many codes lately (whoever asks). */
  async send(
    tenant: Tenant,
    flowId: string,
    target: string,
    purpose: CodePurpose,
    channel: CodeChannel = 'email',
  ): Promise<CodeChallenge> {
    const now = this.clock.now();
    const challenge = { codeLength: tenant.codeLength, interval: codePolicy.resendInterval };
    const latest = await this.codes.latest(flowId);
    const stillFresh =
      latest &&
      latest.target === target &&
      latest.consumedAt === null &&
      latest.attempts < codePolicy.maxAttempts &&
      now - latest.createdAt < codePolicy.resendInterval * 1000;
    if (stillFresh) return challenge;
    await this.throttle.codeSend(tenant.id, target);
    if (channel === 'sms') await this.throttle.textSend(target);
    const code = randomDigits(tenant.codeLength);
    const id = randomUUID();
    await this.codes.insert({
      id,
      tenantId: tenant.id,
      flowId,
      target,
      codeDigest: this.digest(flowId, code),
      attempts: 0,
      createdAt: now,
      expiresAt: now + codePolicy.lifetimeMinutes * 60_000,
      consumedAt: null,
    });
    try {
      await this.deliver(channel, {
        to: target,
        code,
        purpose,
        senderName: tenant.displayName,
        expiresInMinutes: codePolicy.lifetimeMinutes,
      });
    } catch (error) {
      // A code nobody received is spent at once: a retry must mail a new one, not be told the old one is on its way.
      await this.codes.consume(id, now, codePolicy.maxAttempts);
      throw error instanceof AddressRefused ? refusedAddress(purpose, channel) : error;
    }
    return challenge;
  }

  /** Checks `code` against the flow's newest code; the target it was sent to comes back on success. */
  async verify(flowId: string, code: string | undefined): Promise<{ result: CodeCheck; target?: string }> {
    const latest = await this.codes.latest(flowId);
    const now = this.clock.now();
    if (!latest || latest.consumedAt !== null) return { result: 'wrong' };
    if (now >= latest.expiresAt) return { result: 'expired' };
    if (!code || !safeEqual(this.digest(flowId, code.trim()), latest.codeDigest)) {
      await this.codes.recordFailure(latest.id, codePolicy.maxAttempts);
      return { result: 'wrong' };
    }
    return (await this.codes.consume(latest.id, now, codePolicy.maxAttempts))
      ? { result: 'accepted', target: latest.target }
      : { result: 'wrong' };
  }

  private async deliver(channel: CodeChannel, message: CodeMessage): Promise<void> {
    if (channel === 'email') return this.mailer.sendCode(message);
    if (!this.texter)
      throw new BatonError('unsupported_channel', 'Codes cannot be sent by SMS: no SMS gateway is configured');
    return this.texter.sendText({ to: message.to, text: codeText(message) });
  }

  private digest(flowId: string, code: string): string {
    return hmac(this.key, `${flowId}:${code}`);
  }
}

/**
 * A refused address as the flow's client reads it: an invalid username in sign-in, sign-up
 * and reset, an invalid method target in MFA and registration.
 */
function refusedAddress(purpose: CodePurpose, channel: CodeChannel): BatonError {
  if (channel === 'sms') return new BatonError('invalid_method_target', 'The SMS gateway refuses this phone number');
  return purpose === 'mfa' || purpose === 'register'
    ? new BatonError('invalid_method_target', 'The mail server refuses this email address')
    : invalidUsername('the mail server refuses this address');
}

function randomDigits(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

/** `a***@example.com`: enough for the user to recognise the address, not enough to harvest it. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}${'*'.repeat(Math.max(3, local.length - 1))}@${domain}`;
}
