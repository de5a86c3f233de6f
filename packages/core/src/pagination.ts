import type { Client } from '@notionhq/client';
import { z } from 'zod';
import {
  CursorRejectedError,
  IncompleteListError,
  isNotionApiError,
  ResponseValidationError,
} from './errors.js';
import type { NotionClient } from './notion-client.js';

export interface ListResponse<T> {
  results: T[];
  has_more: boolean;
  next_cursor: string | null;
  request_status?: unknown;
}

export interface ListPage<T> {
  results: T[];
  /** True on the first page after the listing restarted from the beginning (the caller may dedupe). */
  restarted: boolean;
  /** True when this page said `request_status: incomplete` (e.g. a 10,000-row query limit). */
  incomplete: boolean;
  /** Notion's `incomplete_reason`, when incomplete. */
  incompleteReason?: string | undefined;
  /** The `request_id` of the response this page came from, when it had one. */
  requestId?: string | undefined;
}

export interface IteratePagesOptions {
  /**
   * Restarts from the beginning after an invalid cursor. Default 3. Past it a CursorRejectedError
   * is thrown (at once with 0: for callers that resume on their own).
   */
  maxRestarts?: number;
  /** Default 100 (Notion's maximum). */
  pageSize?: number;
  signal?: AbortSignal;
}

export type FetchPage<T> = (
  sdk: Client,
  args: { start_cursor?: string; page_size: number },
) => Promise<ListResponse<T>>;

const listEnvelopeSchema = z.looseObject({
  results: z.array(z.unknown()),
  has_more: z.boolean(),
  next_cursor: z.string().nullish(),
  request_id: z.string().optional(),
  request_status: z.looseObject({ type: z.string(), incomplete_reason: z.string().optional() }).nullish(),
});

/** Notion's answer to an unknown or expired cursor: 400 validation_error "The start_cursor provided is invalid". */
export function isInvalidCursorError(error: unknown): boolean {
  return (
    isNotionApiError(error, 'validation_error') &&
    error.status === 400 &&
    /start_cursor/i.test(error.message) &&
    /invalid/i.test(error.message)
  );
}

/**
 * Pages of a Notion listing, through the client's retries and limiter. Restarts from the
 * beginning when Notion rejects a cursor (at most `maxRestarts` times), fails with a
 * ResponseValidationError on `has_more` without `next_cursor`, and marks pages that say
 * `request_status: incomplete`.
 */
export async function* iteratePages<T>(
  notion: NotionClient,
  operation: string,
  fetchPage: FetchPage<T>,
  options: IteratePagesOptions = {},
): AsyncGenerator<ListPage<T>, void, undefined> {
  const pageSize = options.pageSize ?? 100;
  const maxRestarts = options.maxRestarts ?? 3;
  let cursor: string | undefined;
  let restarts = 0;
  let restarted = false;
  for (;;) {
    const args: { start_cursor?: string; page_size: number } = { page_size: pageSize };
    if (cursor !== undefined) args.start_cursor = cursor;
    let response: ListResponse<T>;
    try {
      response = await notion.call(operation, (sdk) => fetchPage(sdk, args), { signal: options.signal });
    } catch (error) {
      if (cursor === undefined || !isInvalidCursorError(error)) throw error;
      restarts++;
      if (restarts > maxRestarts) {
        throw new CursorRejectedError(
          maxRestarts === 0
            ? `${operation}: Notion rejected the listing's cursor`
            : `${operation}: Notion rejected the listing's cursor ${restarts} times; gave up after ${maxRestarts} restarts`,
          {
            cause: error,
            requestId: isNotionApiError(error) ? error.requestId : undefined,
            restarts: restarts - 1,
          },
        );
      }
      notion.logger.warn('Notion rejected a listing cursor; restarting the listing from the beginning', {
        operation,
        restart: restarts,
        maxRestarts,
        requestId: isNotionApiError(error) ? error.requestId : undefined,
      });
      cursor = undefined;
      restarted = true;
      continue;
    }
    const parsed = listEnvelopeSchema.safeParse(response);
    if (!parsed.success) {
      throw ResponseValidationError.fromZodError(parsed.error, {
        operation,
        requestId: requestIdOf(response),
      });
    }
    const envelope = parsed.data;
    if (envelope.has_more && !envelope.next_cursor) {
      throw new ResponseValidationError('the list says has_more but gives no next_cursor', {
        operation,
        requestId: envelope.request_id,
      });
    }
    const incomplete = envelope.request_status?.type === 'incomplete';
    yield {
      results: envelope.results as T[],
      restarted,
      incomplete,
      incompleteReason: incomplete ? envelope.request_status?.incomplete_reason : undefined,
      requestId: envelope.request_id,
    };
    restarted = false;
    if (!envelope.has_more) return;
    cursor = envelope.next_cursor ?? undefined;
  }
}

/** Every result of a listing, flattened; an incomplete page throws IncompleteListError. */
export async function* iterateResults<T>(
  notion: NotionClient,
  operation: string,
  fetchPage: FetchPage<T>,
  options: IteratePagesOptions = {},
): AsyncGenerator<T, void, undefined> {
  for await (const page of iteratePages(notion, operation, fetchPage, options)) {
    yield* page.results;
    if (page.incomplete) {
      throw new IncompleteListError(
        `${operation}: Notion returned an incomplete list (${page.incompleteReason ?? 'no reason given'}); ` +
          'split the query to read the rest',
      );
    }
  }
}

/**
 * Every result of a listing (pages from iteratePages or listNotion), in order. A listing that
 * restarted (an invalid cursor) starts over: what came before the restart is dropped, so nothing
 * is counted twice. Memory: the whole listing (for short ones: a block's children, a page's
 * comments, a property's items).
 */
export async function collectList<T>(pages: AsyncIterable<ListPage<T>>): Promise<T[]> {
  const results: T[] = [];
  for await (const page of pages) {
    if (page.restarted) results.length = 0;
    results.push(...page.results);
  }
  return results;
}

function requestIdOf(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const id = (response as { request_id?: unknown }).request_id;
  return typeof id === 'string' ? id : undefined;
}
