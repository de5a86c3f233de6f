import { CursorRejectedError, ResponseValidationError } from '../errors.js';
import type { NotionClient } from '../notion-client.js';
import { type NotionObject, notionObjectSchema } from '../notion-objects.js';
import { iteratePages } from '../pagination.js';

/** How a search listing went: how many results it read, and why it ended early if it did. */
export interface SearchOutcome {
  /** Results read (repeats after a restart included). */
  read: number;
  /** Result pages requested. */
  requests: number;
  /** Why the listing ended before Notion said it was done; absent when it read to the end. */
  cutShort?: string | undefined;
}

export interface SearchListingOptions {
  object: 'page' | 'data_source';
  /** Sorted by `last_edited_time` this way; unsorted (Notion's order) without it. */
  direction?: 'ascending' | 'descending' | undefined;
  signal?: AbortSignal | undefined;
  pageSize?: number | undefined;
  /** Restarts after a rejected cursor, each only if the one before read something new. Default 3. */
  maxRestarts?: number | undefined;
}

/** One page of a search listing: its results of the kind asked for, each the first time it is read. */
export interface SearchPage {
  results: NotionObject[];
  requestId: string | undefined;
}

export const emptySearchOutcome = (): SearchOutcome => ({ read: 0, requests: 0 });

/**
 * `POST /v1/search` for one kind of object (sorted by `last_edited_time` when asked), treated as a hint: a
 * listing whose cursor Notion rejects (it expired, or the listing passed Notion's positional cap)
 * restarts from the beginning only while restarting makes progress (the run before read an id
 * not read earlier: a positional cap stops every run at the same place), and a page that says
 * `request_status: incomplete` ends it. Either way the listing ends without an error and
 * `outcome.cutShort` says why; the caller goes on with what was read. Each id is yielded once.
 * Memory: one id per result.
 */
export async function* searchListing(
  notion: NotionClient,
  options: SearchListingOptions,
  outcome: SearchOutcome,
): AsyncGenerator<SearchPage, void, undefined> {
  const { object, direction, signal } = options;
  const operation = object === 'page' ? 'search pages' : 'search data sources';
  const maxRestarts = options.maxRestarts ?? 3;
  const seen = new Set<string>();
  for (let restarts = 0; ; restarts++) {
    let fresh = 0;
    try {
      for await (const list of iteratePages<unknown>(
        notion,
        operation,
        (sdk, args) =>
          sdk.search({
            ...args,
            filter: { property: 'object', value: object },
            ...(direction === undefined
              ? {}
              : { sort: { timestamp: 'last_edited_time' as const, direction } }),
          }),
        { signal, pageSize: options.pageSize ?? 100, maxRestarts: 0 },
      )) {
        outcome.requests++;
        outcome.read += list.results.length;
        const results: NotionObject[] = [];
        for (const raw of list.results) {
          const parsed = notionObjectSchema.safeParse(raw);
          if (!parsed.success) {
            throw ResponseValidationError.fromZodError(parsed.error, {
              operation,
              requestId: list.requestId,
            });
          }
          const result = parsed.data;
          if (result.object !== object || seen.has(result.id)) continue;
          seen.add(result.id);
          results.push(result);
        }
        fresh += results.length;
        yield { results, requestId: list.requestId };
        if (list.incomplete) {
          outcome.cutShort = `Notion said the search was incomplete (${list.incompleteReason ?? 'no reason given'})`;
          return;
        }
      }
      return;
    } catch (error) {
      if (!(error instanceof CursorRejectedError)) throw error;
      if (restarts >= maxRestarts || (restarts > 0 && fresh === 0)) {
        outcome.cutShort =
          restarts === 0
            ? 'Notion rejected the search cursor'
            : `Notion rejected the search cursor again after ${restarts} restart${restarts === 1 ? '' : 's'}`;
        return;
      }
      notion.logger.info('Notion rejected a listing cursor; restarting the listing from the beginning', {
        operation,
        restart: restarts + 1,
        read: outcome.read,
        requestId: error.requestId,
      });
    }
  }
}

/** The one warning (and operator notice) for a search that ended early. */
export function reportSearchCutShort(
  notion: NotionClient,
  what: string,
  outcome: SearchOutcome,
  notice: ((message: string) => void) | undefined,
  more: string,
): void {
  notion.logger.warn(`${what} ended early; continuing with what it read`, {
    reason: outcome.cutShort,
    results: outcome.read,
  });
  notice?.(`${what} ended early (${outcome.cutShort}) after ${outcome.read} results; ${more}`);
}
