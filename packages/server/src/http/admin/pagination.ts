import { Type } from 'typebox';
import { BatonError } from '../../core/errors.js';

export const maxPageSize = 100;
export const defaultPageSize = 50;

/** The query fields every paginated list takes. */
export const pageQuery = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: maxPageSize, description: `How many at most (default ${defaultPageSize})` }),
  ),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'The `next_cursor` of the previous page',
    }),
  ),
};

/** A page of a list: its items and the cursor of the next page (null on the last). */
export const pageOf = <T extends import('typebox').TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page' }),
  });

/** A cursor is opaque to the caller: the position after the last item shown, base64url-encoded. */
export const encodeCursor = (position: string): string => Buffer.from(position, 'utf8').toString('base64url');

/** The position a cursor holds, when it has the shape `shape` says positions have. */
export function decodeCursor(cursor: string, shape: RegExp): string {
  const position = Buffer.from(cursor, 'base64url').toString('utf8');
  if (encodeCursor(position) !== cursor || !shape.test(position))
    throw new BatonError('malformed_request', 'The cursor is not one this API gave');
  return position;
}

/**
 * A page of records listed oldest first (tenants, apps): those after the cursor's position
 * (creation time, then id), so a record deleted between pages moves nothing.
 */
export function pageByCreation<T extends { createdAt: number }>(
  records: readonly T[],
  idOf: (record: T) => string,
  query: { limit?: number; cursor?: string },
): { items: T[]; nextCursor: string | null } {
  const limit = query.limit ?? defaultPageSize;
  const key = (record: T) => `${String(record.createdAt).padStart(16, '0')}.${idOf(record)}`;
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, /^\d{16}\.[^.]+$/);
  const ordered = records.map((record) => ({ record, key: key(record) })).sort((a, b) => (a.key < b.key ? -1 : 1));
  const rest = ordered.filter((entry) => after === null || entry.key > after).map((entry) => entry.record);
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rest.length > limit && last ? encodeCursor(key(last)) : null };
}
