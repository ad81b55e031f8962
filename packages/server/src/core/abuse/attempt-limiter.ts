import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import type { RateLimitRepository } from '../ports.js';

interface LockPolicy {
  /** Failures allowed: the one that reaches this count locks, so the next attempt is refused. */
  freeFailures: number;
  /** The first lockout; each further failure doubles it, up to `maxLockMs`. */
  baseLockMs: number;
  maxLockMs: number;
  /** A failure older than this no longer counts. */
  windowMs: number;
}

export const attemptPolicies = {
  account: { freeFailures: 5, baseLockMs: 30_000, maxLockMs: 60 * 60_000, windowMs: 15 * 60_000 },
  ip: { freeFailures: 20, baseLockMs: 30_000, maxLockMs: 60 * 60_000, windowMs: 15 * 60_000 },
} as const satisfies Record<string, LockPolicy>;

const lockFor = (p: LockPolicy) => (failures: number) =>
  failures < p.freeFailures ? 0 : Math.min(p.maxLockMs, p.baseLockMs * 2 ** (failures - p.freeFailures));

/** Whose attempts are counted: the account (or address) being guessed, and the caller's IP. */
export interface AttemptSubject {
  tenantId: string;
  /** A user id, or for flows before an account exists, the address. */
  account: string;
  ip: string | null;
}

/**
 * Per-account and per-IP limits on password and code attempts, with exponential lockout.
 * Counts live in the database, so they hold across every instance. Each attempt is counted
 * as a failure before it is checked and taken back if it was not one, so guesses sent at
 * the same moment cannot all slip in before the first failure is written.
 */
export class AttemptLimiter {
  constructor(
    private readonly limits: RateLimitRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs `check` (the password or code comparison) as one attempt: refused while the IP or
   * the account is locked; `lockedNow` says a failure just locked the account.
   */
  async attempt(
    subject: AttemptSubject,
    check: () => Promise<boolean>,
  ): Promise<{ succeeded: boolean; lockedNow: boolean }> {
    const now = this.clock.now();
    const ip = subject.ip ? await this.limits.reserve(ipKey(subject), now, policyOf(attemptPolicies.ip)) : null;
    if (ip && !ip.allowed) throw lockedOut('ip', ip.lockedUntil - now);
    const account = await this.limits.reserve(accountKey(subject), now, policyOf(attemptPolicies.account));
    const refundIp = async () => {
      if (ip) await this.limits.refund(ipKey(subject), ip);
    };
    if (!account.allowed) {
      await refundIp();
      throw lockedOut('account', account.lockedUntil - now);
    }
    let succeeded: boolean;
    try {
      succeeded = await check();
    } catch (error) {
      // Never checked (the hashing queue was full, say): not an attempt.
      await this.limits.refund(accountKey(subject), account);
      await refundIp();
      throw error;
    }
    if (!succeeded) return { succeeded, lockedNow: account.lockedUntil > now };
    // A success forgets the account's failures; the IP's earlier failures still count. Two keys, neither waiting for
    // the other: one group commit (SQLite) and one round trip fewer per sign-in than one after the other.
    await Promise.all([this.limits.clear(accountKey(subject)), refundIp()]);
    return { succeeded, lockedNow: false };
  }
}

const policyOf = (p: LockPolicy) => ({ windowMs: p.windowMs, lockFor: lockFor(p) });

const accountKey = (s: AttemptSubject) => `account:${s.tenantId}:${s.account}`;
const ipKey = (s: AttemptSubject) => `ip:${s.tenantId}:${s.ip}`;

function lockedOut(scope: 'account' | 'ip', remainingMs: number): BatonError {
  const seconds = Math.ceil(remainingMs / 1000);
  return scope === 'account'
    ? new BatonError(
        'account_locked',
        `The account is temporarily locked after too many failed attempts; try again in ${seconds} seconds`,
        { retryAfter: seconds },
      )
    : new BatonError(
        'too_many_attempts',
        `Too many failed attempts from this address; try again in ${seconds} seconds`,
        {
          retryAfter: seconds,
        },
      );
}
