import type { DomainErrorCode } from '@baton/protocol';

export type { DomainErrorCode };

/** An attribute a sign-up step refused or still needs, by name (when missing, with its definition). */
export interface AttributeProblem {
  name: string;
}

export interface BatonErrorDetails {
  /** Seconds before trying again makes sense. */
  retryAfter?: number;
  /** The attributes refused (`invalid_attributes`). */
  attributes?: readonly AttributeProblem[];
  /**
   * The field of the service's input the error is about (`logoUrl`, `limit`, `redirectUris`),
   * so each face names it in its own words: the CLI its flag, the API its JSON pointer.
   */
  setting?: string;
}

/**
 * The one error type the domain throws: a code that says what happened (the protocol's
 * `domainErrors` maps it to each wire format), a description meant for the caller, and
 * structured details. Anything else that escapes becomes `server_error` without detail
 * (see http/errors/).
 */
export class BatonError extends Error {
  override name = 'BatonError';

  constructor(
    readonly code: DomainErrorCode,
    readonly description: string,
    readonly details: BatonErrorDetails = {},
  ) {
    super(`${code}: ${description}`);
  }
}

/** Throws `code` unless `condition` holds: the domain's guard clause. */
export function assertThat(
  condition: unknown,
  code: DomainErrorCode,
  description: string,
  details?: BatonErrorDetails,
): asserts condition {
  if (!condition) throw new BatonError(code, description, details);
}
