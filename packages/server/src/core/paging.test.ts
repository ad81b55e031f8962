import { describe, expect, it } from 'vitest';
import { BatonError } from './errors.js';
import { byCreation, pageByCreation } from './paging.js';

const rows = [
  { id: 'c', createdAt: 2 },
  { id: 'a', createdAt: 1 },
  { id: 'b', createdAt: 2 },
  { id: 'd', createdAt: 3 },
];

describe('pageByCreation', () => {
  it('pages oldest first (then by id), and a record deleted between pages moves nothing', () => {
    const first = pageByCreation(rows, { limit: 2 }, byCreation);
    expect(first.items.map((row) => row.id)).toEqual(['a', 'b']);
    const withoutB = rows.filter((row) => row.id !== 'b');
    const second = pageByCreation(withoutB, { limit: 2, cursor: first.nextCursor! }, byCreation);
    expect(second).toEqual({ items: [rows[0], rows[3]], nextCursor: null });
  });

  it('refuses a cursor no page gave and a limit out of range, naming the field', () => {
    for (const [request, setting] of [
      [{ cursor: Buffer.from('"nope"').toString('base64url') }, 'cursor'],
      [{ cursor: '*' }, 'cursor'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 1001 }, 'limit'],
    ] as const) {
      const refusal = (() => {
        try {
          pageByCreation(rows, request, byCreation);
        } catch (error) {
          return error;
        }
      })();
      expect(refusal).toBeInstanceOf(BatonError);
      expect(refusal).toMatchObject({ code: 'invalid_setting', details: { setting } });
    }
  });
});
