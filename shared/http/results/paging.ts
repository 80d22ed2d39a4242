/**
 * Paging of list endpoints: `limit` (1-100, 20 by default) and an opaque `cursor`, the
 * base64url of the last item's sort key, handed back as `next_cursor`.
 */
import type { z } from 'zod';
import { ValidationError } from '../../errors/errors.ts';

/** The most items a page holds. */
export const maxPageLimit = 100;

/** Items per page when `limit` is not given. */
export const defaultPageLimit = 20;

/**
 * Reads `limit` from a query string.
 * @param query - the request's query parameters
 * @returns an integer in 1..100
 * @throws {ValidationError} (400) for anything else
 * @example pageLimit(new URLSearchParams('limit=5')) // 5
 */
export function pageLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return defaultPageLimit;
  const limit = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= maxPageLimit)) {
    throw new ValidationError(`limit must be an integer from 1 to ${maxPageLimit}`, 400);
  }
  return limit;
}

/**
 * Makes a cursor of a sort key.
 * @param key - the last item's sort key
 * @returns the opaque cursor
 * @example encodeCursor({ after: 'exp-2' })
 */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * Reads `cursor` from a query string.
 * @param query - the request's query parameters
 * @param schema - the shape of the sort key
 * @returns the sort key, or undefined on the first page
 * @throws {ValidationError} (400) when the cursor was not made by {@link encodeCursor}
 * @example pageCursor(query, z.object({ after: z.string() }))
 */
export function pageCursor<T>(query: URLSearchParams, schema: z.ZodType<T>): T | undefined {
  const raw = query.get('cursor');
  if (raw === null) return undefined;
  try {
    if (!/^[A-Za-z0-9_-]{1,1000}$/.test(raw)) throw new Error('not base64url');
    return schema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw new ValidationError('not a valid cursor: pass back a next_cursor unchanged', 400);
  }
}
