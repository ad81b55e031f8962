import { Type, type TSchema } from 'typebox';
import { maxPageSize, type Page } from '../../core/paging.js';

/** The query fields every paginated list takes; the services read the cursor (core/paging.ts). */
export const pageQuery = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: maxPageSize, description: 'How many at most (default 50)' }),
  ),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 500,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'The `next_cursor` of the previous page',
    }),
  ),
};

/** A page of a list: its items and the cursor of the next page (null on the last). */
export const pageBody = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page' }),
  });

/** A service's page as the API answers it. */
export const pageAnswer = <T, V>(page: Page<T>, view: (item: T) => V) => ({
  items: page.items.map(view),
  next_cursor: page.nextCursor,
});
