import type { CursorCodec, CursorState } from './cursor.js';
import { invalidCursor, validationError } from './errors.js';

export interface PageArgs {
  startCursor: string | undefined;
  pageSize: number;
}

/** start_cursor / page_size from a GET query string or a POST body, validated like Notion. */
export function parsePageArgs(where: 'query' | 'body', startCursor: unknown, pageSize: unknown): PageArgs {
  let size = 100;
  if (pageSize !== undefined && pageSize !== null) {
    const n =
      typeof pageSize === 'string' && where === 'query' && pageSize.trim() !== ''
        ? Number(pageSize)
        : pageSize;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      throw validationError(
        `${where} failed validation: ${where}.page_size should be a number, instead was \`${JSON.stringify(pageSize)}\`.`,
      );
    }
    if (n < 1)
      throw validationError(
        `${where} failed validation: ${where}.page_size should be ≥ \`1\`, instead was \`${n}\`.`,
      );
    if (n > 100)
      throw validationError(
        `${where} failed validation: ${where}.page_size should be ≤ \`100\`, instead was \`${n}\`.`,
      );
    size = n;
  }
  if (startCursor !== undefined && startCursor !== null && typeof startCursor !== 'string') {
    throw validationError(
      `${where} failed validation: ${where}.start_cursor should be a string, instead was \`${JSON.stringify(startCursor)}\`.`,
    );
  }
  return { startCursor: startCursor === '' ? undefined : (startCursor ?? undefined), pageSize: size };
}

export interface PageResult<T> {
  results: T[];
  nextCursor: string | null;
  hasMore: boolean;
  /** The result cap was reached (data source query: request_status incomplete). */
  incomplete: boolean;
}

export interface PaginateOptions {
  /** Most results a listing returns in total (the 10,000-row cap of data source queries). */
  limit?: number;
  /**
   * What the listing does at `limit`: `'incomplete'` (default) ends it with `incomplete: true`;
   * `'reject'` hands out a cursor past the limit and rejects it (search's position cap).
   */
  atLimit?: 'incomplete' | 'reject';
  /** A cursor is rejected once its listing started more than this many (emulated) ms ago. */
  ttlMs?: number | null;
  /** Inspects a decoded cursor before use; throw to reject it (expired search cursors). */
  check?: (state: CursorState) => void;
  now: number;
}

/** Keyset pagination over an ordered list, with opaque cursors bound to a scope. */
export function paginate<T>(
  codec: CursorCodec,
  items: readonly T[],
  keyOf: (item: T) => string,
  scope: string,
  args: PageArgs,
  options: PaginateOptions,
): PageResult<T> {
  let start = 0;
  let served = 0;
  let started = options.now;
  if (args.startCursor !== undefined) {
    const state = codec.decode(args.startCursor);
    if (!state || state.scope !== scope) throw invalidCursor(args.startCursor);
    const ttl = options.ttlMs ?? null;
    if (ttl !== null && options.now - state.started > ttl) throw invalidCursor(args.startCursor);
    if (options.atLimit === 'reject' && options.limit !== undefined && state.served >= options.limit)
      throw invalidCursor(args.startCursor);
    options.check?.(state);
    const at = items.findIndex((item) => keyOf(item) === state.key);
    start = at >= 0 ? at : Math.min(state.pos, items.length);
    served = state.served;
    started = state.started;
  }
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const allowed = Math.max(0, limit - served);
  const end = Math.min(items.length, start + Math.min(args.pageSize, allowed));
  const results = items.slice(start, end);
  if (end >= items.length) return { results, nextCursor: null, hasMore: false, incomplete: false };
  if (served + results.length >= limit && options.atLimit !== 'reject')
    return { results, nextCursor: null, hasMore: false, incomplete: true };
  const next = items[end] as T;
  const nextCursor = codec.encode({
    scope,
    key: keyOf(next),
    pos: end,
    served: served + results.length,
    started,
  });
  return { results, nextCursor, hasMore: true, incomplete: false };
}
