import { assertThat, BatonError } from './errors.js';

/** The largest page a list answers. */
export const maxPageSize = 1000;
const defaultPageSize = 50;

/** What a caller asks of a list that can grow: how many at most, and where the previous page ended. */
export interface PageRequest {
  /** 1 to `maxPageSize`; 50 when not given. */
  limit?: number | undefined;
  /** The `nextCursor` of the previous page, as it was given: opaque to the caller. */
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** Asks for the next page; null on the last. */
  nextCursor: string | null;
}

/** The page size asked for, refused unless it is a whole number from 1 to `maxPageSize`. */
export function pageLimit(request: PageRequest): number {
  const limit = request.limit ?? defaultPageSize;
  assertThat(
    Number.isInteger(limit) && limit >= 1 && limit <= maxPageSize,
    'invalid_setting',
    `limit must be a whole number from 1 to ${maxPageSize}`,
    { setting: 'limit' },
  );
  return limit;
}

/** The position a cursor stands for, as `parse` reads it; a cursor Baton did not give is refused. */
export function readCursor<P>(cursor: string | undefined, parse: (value: unknown) => P | null): P | undefined {
  if (cursor === undefined) return undefined;
  let position: P | null = null;
  try {
    position = parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    position = null;
  }
  if (position === null)
    throw new BatonError('invalid_setting', 'cursor is not one a previous page gave', { setting: 'cursor' });
  return position;
}

/** A page of the first `limit` of `rows` (read with one more, so it is known whether another page follows). */
export function pageOf<T>(rows: T[], limit: number, positionOf: (row: T) => unknown): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > limit && last !== undefined
        ? Buffer.from(JSON.stringify(positionOf(last))).toString('base64url')
        : null,
  };
}
