// One paging style for every list of the API: `?limit=&cursor=`, and the answer carries
// `next_cursor` — null on the last page, otherwise passed back as `cursor` for the next one.
// Cursors are opaque strings: clients must not build or parse them.
import { z } from 'zod';
import { badRequest } from '../errors.js';

export const cursorField = z.string().min(1).max(200).describe('the next_cursor of the previous page');

/** `?limit=&cursor=`; `limit` between 1 and `max`. */
export function pageQuery(defaultLimit: number, max: number) {
  return z.object({
    limit: z.coerce.number().int().min(1).max(max).default(defaultLimit),
    cursor: cursorField.optional(),
  });
}

export const nextCursorField = z
  .string()
  .nullable()
  .describe('pass as `cursor` for the next page; null on the last page');

/**
 * A page of a list already in memory (short lists: clients, a user's sessions), keyed by an id
 * that is unique in the list. An unknown cursor is a 400, not a silent restart.
 */
export function pageOf<T>(
  items: readonly T[],
  idOf: (item: T) => string,
  page: { limit: number; cursor?: string | undefined },
): { items: T[]; next_cursor: string | null } {
  let start = 0;
  if (page.cursor !== undefined) {
    const at = items.findIndex((item) => idOf(item) === page.cursor);
    if (at < 0) throw badRequest('cursor: not a cursor of this list (start again without it)');
    start = at + 1;
  }
  const slice = items.slice(start, start + page.limit);
  const more = start + page.limit < items.length;
  return { items: slice, next_cursor: more ? idOf(slice.at(-1) as T) : null };
}
