import { Type, type TSchema } from 'typebox';
import { problemMediaType } from '../errors/problem-details.js';

/** An instant, as every answer writes it. */
export const Timestamp = Type.String({ format: 'date-time' });

export const iso = (ms: number) => new Date(ms).toISOString();

export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export const Nullable = <T extends TSchema>(schema: T, options: { description?: string } = {}) =>
  Type.Union([schema, Type.Null()], options);

/** An input object: a field the schema does not name is refused, not ignored. */
export const Input = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false });

/** RFC 9457 problem details; `type` is `https://baton.dev/problems/<code>`. */
export const Problem = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String(),
    code: Type.String(),
    correlation_id: Type.String(),
    field: Type.Optional(
      Type.String({ description: 'The request field refused (`display_name`, `theme.logo_url`), when there is one' }),
    ),
  },
  { title: 'Problem details (RFC 9457)' },
);

const problem = (description: string) => ({
  description,
  content: { [problemMediaType]: { schema: Problem } },
});

/** The errors any management API route may answer with. */
const commonErrors = {
  400: problem('The request is malformed: a field is missing, unknown, too long or of the wrong type'),
  401: problem('No credential, or one that is invalid or expired'),
  403: problem('The credential may not do this'),
  404: problem('No such tenant or resource (also: a tenant of which the credential knows nothing)'),
  413: problem('The body is larger than the server reads (64 KiB)'),
  415: problem('The body is not JSON (application/json)'),
  503: problem('The database does not answer; try again after Retry-After'),
};

/** A route's responses: its successes and every error it may answer with (409 where a create may conflict). */
export function responses<T extends Record<number, TSchema>>(successes: T, options: { conflict?: boolean } = {}) {
  return {
    ...successes,
    ...commonErrors,
    ...(options.conflict ? { 409: problem('It already exists') } : {}),
  };
}

/**
 * An id in a path (a client_id, a session id): printable ASCII without spaces, which every
 * id Baton makes is. A NUL or a control character never reaches the database (PostgreSQL
 * refuses NUL in text, which would be a 500).
 */
export const PathId = Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7E]+$' });

export const TenantParams = Input({
  tenant: Type.String({ minLength: 1, maxLength: 63, description: 'The tenant name' }),
});
