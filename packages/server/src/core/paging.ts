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

/** Where a record stands in a list ordered oldest first: its creation time, then its id. */
export interface CreationPosition {
  createdAt: number;
  id: string;
}

/** A creation position as a cursor holds it, or null when it holds something else. */
export function creationPosition(value: unknown): CreationPosition | null {
  const position = value as Partial<CreationPosition> | null;
  return typeof position?.createdAt === 'number' && typeof position.id === 'string'
    ? { createdAt: position.createdAt, id: position.id }
    : null;
}

const compareCreation = (a: CreationPosition, b: CreationPosition) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A page of a list the store answers whole (tenants, apps: a handful each), oldest first:
 * the records after the cursor's position, so one deleted between pages moves nothing.
 */
export function pageByCreation<T>(
  rows: readonly T[],
  request: PageRequest,
  positionOf: (row: T) => CreationPosition,
): Page<T> {
  const limit = pageLimit(request);
  const after = readCursor(request.cursor, creationPosition);
  const ordered = [...rows].sort((a, b) => compareCreation(positionOf(a), positionOf(b)));
  const rest = after ? ordered.filter((row) => compareCreation(positionOf(row), after) > 0) : ordered;
  return pageOf(rest, limit, positionOf);
}

/** The position of a record whose id is `id`. */
export const byCreation = (row: { createdAt: number; id: string }): CreationPosition => ({
  createdAt: row.createdAt,
  id: row.id,
});
