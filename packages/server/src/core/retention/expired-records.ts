import type { Clock } from '../clock.js';
import type { ExpiredRecordRepository } from '../ports.js';
import { deleteInBatches } from './delete-in-batches.js';

export const retentionPolicy = {
  /**
   * How long a record is kept past its expiry. Until then an expired continuation token,
   * code or transfer token is still answered as expired (not as unknown), which is what a
   * client that comes back late should hear.
   */
  keepExpiredMs: 24 * 3600 * 1000,
  /** Rows deleted per statement, so a sweep never holds the database for long. */
  batch: 500,
  /** Rows deleted per sweep at most; the next sweep goes on where this one stopped. */
  maxPerSweep: 20_000,
} as const;

/**
 * Deletes the records that can never be used again: continuation tokens, one-time codes,
 * session transfer tokens, authorization codes, request counts and refresh tokens a day
 * past their expiry, and attempt counts a day after their last failure and lockout.
 * Abandoned flows (a bot calling `initiate` over and over) would otherwise grow the
 * database without bound, and so would every rotation. A refresh token past its expiry is
 * refused as expired before reuse is even considered, so reuse detection no longer needs
 * it; a token still within its lifetime is kept, rotated or not.
 */
export class ExpiredRecords {
  constructor(
    private readonly records: ExpiredRecordRepository,
    private readonly clock: Clock,
  ) {}

  /** One sweep; returns how many records it deleted. */
  async sweep(): Promise<number> {
    const before = this.clock.now() - retentionPolicy.keepExpiredMs;
    return deleteInBatches(
      (size) => this.records.deleteExpired(before, size),
      retentionPolicy.batch,
      retentionPolicy.maxPerSweep,
    );
  }
}
