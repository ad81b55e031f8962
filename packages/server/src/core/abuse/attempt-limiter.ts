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
 * Counts live in the database, so they hold across every instance.
 */
export class AttemptLimiter {
  constructor(private readonly limits: RateLimitRepository, private readonly clock: Clock) {}

  /** Refuses the attempt while the account or the IP is locked out. */
  async assertAllowed(subject: AttemptSubject): Promise<void> {
    const now = this.clock.now();
    const [account, ip] = await Promise.all([this.limits.get(accountKey(subject)), subject.ip ? this.limits.get(ipKey(subject)) : null]);
    if (ip && ip.lockedUntil > now) throw lockedOut('ip', ip.lockedUntil - now);
    if (account && account.lockedUntil > now) throw lockedOut('account', account.lockedUntil - now);
  }

  /** Counts a failed attempt; true when it just locked the account. */
  async recordFailure(subject: AttemptSubject): Promise<boolean> {
    const now = this.clock.now();
    const account = await this.limits.fail(accountKey(subject), now, { windowMs: attemptPolicies.account.windowMs, lockFor: lockFor(attemptPolicies.account) });
    if (subject.ip) await this.limits.fail(ipKey(subject), now, { windowMs: attemptPolicies.ip.windowMs, lockFor: lockFor(attemptPolicies.ip) });
    return account.lockedUntil > now;
  }

  /** A success forgets the account's failures (the IP's still count). */
  recordSuccess(subject: AttemptSubject): Promise<void> {
    return this.limits.clear(accountKey(subject));
  }
}

const accountKey = (s: AttemptSubject) => `account:${s.tenantId}:${s.account}`;
const ipKey = (s: AttemptSubject) => `ip:${s.tenantId}:${s.ip}`;

function lockedOut(scope: 'account' | 'ip', remainingMs: number): BatonError {
  const seconds = Math.ceil(remainingMs / 1000);
  return scope === 'account'
    ? new BatonError('invalid_grant', `The account is temporarily locked after too many failed attempts; try again in ${seconds} seconds`, { errorCodes: [50053], retryAfter: seconds })
    : new BatonError('slow_down', `Too many failed attempts from this address; try again in ${seconds} seconds`, { retryAfter: seconds });
}
