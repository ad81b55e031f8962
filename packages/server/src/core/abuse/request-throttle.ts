import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import { canonicalMailbox } from './mailbox.js';
import type { ClientAddress } from '../model.js';
import type { RequestCounterRepository } from '../ports.js';

export interface ThrottleLimits {
  /** Sign-ins, sign-ups and password resets one IP address may start per minute in a tenant; 0 for no limit. */
  flowStartsPerIpPerMinute: number;
}

/** One-time codes one mailbox (however spelled) may be sent in a tenant per window, whichever flows ask for them. */
export const codeSendPolicy = { max: 5, windowMs: 15 * 60_000 } as const;

/** Text messages one phone number may be sent per window, across every tenant: on top of the code limit, as each costs the operator money. */
export const textSendPolicy = { max: 10, windowMs: 60 * 60_000 } as const;

/**
 * Limits on what costs Baton or someone else something even when no credential is
 * guessed: starting flows (each answer tells whether an address has an account, as the
 * wire shape requires) and sending codes (each one is an email in somebody's inbox).
 * Counts live in the database, so they hold across instances. Over a limit the caller gets
 * `slow_down` with the seconds until the window ends.
 *
 * The flow-start limit applies to remote clients: a request from the machine itself is a
 * reverse proxy on the same host that BATON_TRUST_PROXY does not name (throttling it would
 * throttle every user at once) or a developer's or a load test's own traffic. Only the TCP
 * peer proves that: a forwarded address of 127.0.0.1 is somebody's word for it, so both
 * must be loopback. The code limit is per mailbox, so it holds whoever asks.
 */
export class RequestThrottle {
  constructor(
    private readonly counters: RequestCounterRepository,
    private readonly clock: Clock,
    private readonly limits: ThrottleLimits,
  ) {}

  async flowStart(tenantId: string, client: ClientAddress): Promise<void> {
    const max = this.limits.flowStartsPerIpPerMinute;
    if (max <= 0 || fromThisMachine(client)) return;
    await this.take(
      `starts:${tenantId}:${client.ip}`,
      max,
      60_000,
      (s) => `Too many sign-in, sign-up or password reset attempts from this address; try again in ${s} seconds`,
    );
  }

  /** Applies to every caller, local ones included, and to every spelling of the mailbox: the limit protects the inbox, not Baton. */
  async codeSend(tenantId: string, address: string): Promise<void> {
    await this.take(
      `codes:${tenantId}:${canonicalMailbox(address)}`,
      codeSendPolicy.max,
      codeSendPolicy.windowMs,
      (s) => `Too many codes were sent to this address; try again in ${s} seconds`,
    );
  }

  /** Every tenant's texts to a number count against one limit: the gateway's bill is the operator's, whichever tenant asked. */
  async textSend(number: string): Promise<void> {
    await this.take(
      `texts:${number}`,
      textSendPolicy.max,
      textSendPolicy.windowMs,
      (s) => `Too many codes were sent to this phone number; try again in ${s} seconds`,
    );
  }

  private async take(key: string, max: number, windowMs: number, message: (seconds: number) => string): Promise<void> {
    const now = this.clock.now();
    const { count, windowEndsAt } = await this.counters.count(key, now, windowMs);
    if (count <= max) return;
    const seconds = Math.max(1, Math.ceil((windowEndsAt - now) / 1000));
    throw new BatonError('too_many_attempts', message(seconds), { retryAfter: seconds });
  }
}

/** True for a loopback address; an unknown one (null) is not. */
export function isLocal(ip: string | null): boolean {
  return ip !== null && (ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.'));
}

/** The request was made on this machine: its TCP peer is loopback, and so is any client a trusted proxy names. */
export function fromThisMachine(client: ClientAddress): boolean {
  return isLocal(client.peerIp) && isLocal(client.ip);
}
