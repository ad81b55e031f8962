import { BatonError } from '../core/errors.js';

/** The longest value any parameter may have. */
const maxLength = 8192;

/** Why `value` is not one usable parameter value, or null when it is. */
function problemWith(value: unknown): string | null {
  if (Array.isArray(value)) return 'was sent more than once';
  if (typeof value !== 'string') return 'must be a single string';
  if (value.length > maxLength) return 'is too long';
  // no OAuth value has one, and PostgreSQL cannot store it
  if (value.includes('\0')) return 'contains a NUL character';
  return null;
}

/**
 * Reads the named parameters of a request body or query: each is absent or one string.
 * Repeating a parameter is refused (RFC 6749 §3.1), so is an overlong value or a NUL
 * character: `invalid_request` naming the parameter. Unknown parameters are ignored
 * (MSAL sends telemetry fields).
 */
export function readParams<const N extends string>(names: readonly N[], input: unknown): { [K in N]?: string } {
  const source = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const read: { [K in N]?: string } = {};
  for (const name of names) {
    const value = source[name];
    if (value === undefined) continue;
    const problem = problemWith(value);
    if (problem) throw new BatonError('malformed_request', `Parameter "${name}" ${problem}`);
    read[name] = value as string;
  }
  return read;
}
