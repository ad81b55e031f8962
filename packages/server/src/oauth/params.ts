import { z } from 'zod';
import { BatonError } from '../core/errors.js';

/**
 * A form or query parameter: one string. Repeating a parameter is refused (RFC 6749 §3.1);
 * so is a NUL character, which no OAuth value has and PostgreSQL cannot store.
 */
const singleString = z.string({ error: (issue) => (Array.isArray(issue.input) ? 'was sent more than once' : 'must be a single string') })
  .max(8192, 'is too long').regex(/^[^\0]*$/, 'contains a NUL character');

export const param = () => singleString;

/**
 * Building a zod object schema and its first parse cost about 100 µs (zod compiles a
 * parser for each new schema), more than the rest of a token request's validation. The
 * shapes routes declare are fixed, so a shape made only of `param().optional()` gets its
 * schema built once, keyed by its parameter names.
 */
const schemas = new Map<string, z.ZodObject>();

function schemaOf<S extends z.ZodRawShape>(shape: S): z.ZodObject<S> {
  const names = Object.keys(shape);
  const onlyParams = names.every((name) => {
    const schema = shape[name];
    return schema instanceof z.ZodOptional && schema.unwrap() === singleString;
  });
  if (!onlyParams) return z.object(shape);
  const key = names.join(' ');
  let schema = schemas.get(key);
  if (!schema) {
    schema = z.object(shape);
    schemas.set(key, schema);
  }
  return schema as z.ZodObject<S>;
}

/**
 * Reads the declared parameters of a request body or query; unknown parameters are
 * ignored (MSAL sends telemetry fields), a malformed one is `invalid_request`.
 */
export function readParams<S extends z.ZodRawShape>(shape: S, input: unknown): z.infer<z.ZodObject<S>> {
  const source = input && typeof input === 'object' ? input : {};
  const result = schemaOf(shape).safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BatonError('invalid_request', `Parameter "${String(issue?.path[0] ?? '?')}" ${issue?.message ?? 'is invalid'}`);
  }
  return result.data as z.infer<z.ZodObject<S>>;
}
