import type { ErrorCode, Suberror } from '@baton/protocol';

export interface BatonErrorDetails {
  suberror?: Suberror;
  /** AADSTS-style numbers for native-auth clients. */
  errorCodes?: number[];
  continuationToken?: string;
  /** Seconds before trying again makes sense (sent as `Retry-After`). */
  retryAfter?: number;
  /** Extra body fields a wire format may carry (e.g. `invalid_attributes`). */
  extra?: Record<string, unknown>;
}

/**
 * The one error type the domain throws. Its description is meant for the caller; anything
 * else that escapes becomes `server_error` without detail (see http/errors.ts).
 */
export class BatonError extends Error {
  override name = 'BatonError';
  constructor(
    readonly code: ErrorCode,
    readonly description: string,
    readonly details: BatonErrorDetails = {},
  ) {
    super(`${code}: ${description}`);
  }
}

/** Throws `code` unless `condition` holds: the domain's guard clause. */
export function assertThat(
  condition: unknown,
  code: ErrorCode,
  description: string,
  details?: BatonErrorDetails,
): asserts condition {
  if (!condition) throw new BatonError(code, description, details);
}
