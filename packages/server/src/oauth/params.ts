import { z } from 'zod';
import { BatonError } from '../core/errors.js';

/**
 * A form or query parameter: one string. Repeating a parameter is refused (RFC 6749 §3.1);
 * so is a NUL character, which no OAuth value has and PostgreSQL cannot store.
 */
export const param = () => z.string({ error: (issue) => (Array.isArray(issue.input) ? 'was sent more than once' : 'must be a single string') })
  .max(8192, 'is too long').regex(/^[^\0]*$/, 'contains a NUL character');

/**
 * Reads the declared parameters of a request body or query; unknown parameters are
 * ignored (MSAL sends telemetry fields), a malformed one is `invalid_request`.
 */
export function readParams<S extends z.ZodRawShape>(shape: S, input: unknown): z.infer<z.ZodObject<S>> {
  const source = input && typeof input === 'object' ? input : {};
  const result = z.object(shape).safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BatonError('invalid_request', `Parameter "${String(issue?.path[0] ?? '?')}" ${issue?.message ?? 'is invalid'}`);
  }
  return result.data;
}
