import { IncompleteListError, isNotionApiError } from './errors.js';
import type { Logger } from './logger.js';
import type { NotionClient } from './notion-client.js';
import { listNotion, type NotionPage, notionObjectSchema, notionPageSchema } from './page-api.js';

export * from './page-api.js';
export * from './page-blocks.js';
export * from './page-ids.js';
export * from './page-sweep.js';

/** A page found by discovery: the full page object as search or the data source query returned it. */
export interface DiscoveredPage {
  id: string;
  lastEditedTime: string;
  page: NotionPage;
  /** Where it was found first. */
  source: 'search' | 'data_source';
}

export interface DiscoverPagesOptions {
  /**
   * Inclusive lower bound (ISO) on `last_edited_time`: pages edited before it are not listed.
   * Undefined: every page (a full enumeration). Callers subtract their overlap window themselves.
   */
  since?: string | undefined;
  logger: Logger;
  signal?: AbortSignal | undefined;
  /** Page size of every listing (default 100, Notion's maximum). */
  pageSize?: number;
}

export interface DiscoveryStats {
  searchPages: number;
  dataSources: number;
  queryPages: number;
  /** Re-queries after a data source query hit the 10,000-row cap. */
  narrowedQueries: number;
}

/**
 * Finds every page edited at or after `since` (all pages without it), each exactly once:
 *
 * 1. `POST /v1/search` for pages, sorted by `last_edited_time` descending, stopping at the first
 *    result older than `since` (search is not exhaustive and lags, hence step 2);
 * 2. every data source visible to search (`filter: data_source`), each queried with
 *    `POST /v1/data_sources/{id}/query` (filtered `on_or_after: since` once there is a lower
 *    bound), sorted ascending by `last_edited_time`. When a query stops at Notion's 10,000-row
 *    cap (`request_status: incomplete`) it continues with a narrower window: a new query
 *    `on_or_after` the last `last_edited_time` it saw (rows seen twice are deduped).
 *
 * Pages are deduped by id across both sources. Memory: one id per page found (a Set).
 * A data source that answers 404 (unshared meanwhile, or a linked view) is skipped with a warning.
 */
export async function* discoverPages(
  notion: NotionClient,
  options: DiscoverPagesOptions,
  stats: DiscoveryStats = { searchPages: 0, dataSources: 0, queryPages: 0, narrowedQueries: 0 },
): AsyncGenerator<DiscoveredPage, void, undefined> {
  const { since, logger, signal } = options;
  const sinceMs = since === undefined ? undefined : Date.parse(since);
  const pageSize = options.pageSize ?? 100;
  const seen = new Set<string>();

  // 1. search, newest first, until older than `since`.
  search: for await (const list of listNotion(
    notion,
    'search pages',
    {
      path: 'search',
      method: 'post',
      body: {
        filter: { property: 'object', value: 'page' },
        sort: { timestamp: 'last_edited_time', direction: 'descending' },
      },
    },
    notionObjectSchema,
    { signal, pageSize },
  )) {
    stats.searchPages++;
    for (const result of list.results) {
      if (result.object !== 'page') continue;
      const page = notionPageSchema.parse(result);
      if (sinceMs !== undefined && Date.parse(page.last_edited_time) < sinceMs) break search;
      if (seen.has(page.id)) continue;
      seen.add(page.id);
      yield { id: page.id, lastEditedTime: page.last_edited_time, page, source: 'search' };
    }
  }

  // 2. the data sources search can see, then their rows.
  const dataSourceIds: string[] = [];
  const dataSourcesSeen = new Set<string>();
  for await (const list of listNotion(
    notion,
    'search data sources',
    { path: 'search', method: 'post', body: { filter: { property: 'object', value: 'data_source' } } },
    notionObjectSchema,
    { signal, pageSize },
  )) {
    for (const result of list.results) {
      if (result.object !== 'data_source' || dataSourcesSeen.has(result.id)) continue;
      dataSourcesSeen.add(result.id);
      dataSourceIds.push(result.id);
    }
  }
  stats.dataSources += dataSourceIds.length;

  for (const dataSourceId of dataSourceIds) {
    try {
      for await (const page of queryDataSource(
        notion,
        dataSourceId,
        since,
        { logger, signal, pageSize },
        stats,
      )) {
        if (seen.has(page.id)) continue;
        seen.add(page.id);
        yield { id: page.id, lastEditedTime: page.last_edited_time, page, source: 'data_source' };
      }
    } catch (error) {
      if (!isNotionApiError(error, 'object_not_found')) throw error;
      logger.warn('data source answered 404 (unshared, deleted or a linked view); skipping its rows', {
        dataSourceId,
        requestId: error.requestId,
      });
    }
  }
}

/**
 * The rows of one data source edited at or after `since` (all rows without it), ascending by
 * `last_edited_time`. Handles the 10,000-row cap by re-querying `on_or_after` the last time seen;
 * a window that cannot move forward (more than 10,000 rows edited within one minute) is split by
 * `created_time` within that minute.
 */
export async function* queryDataSource(
  notion: NotionClient,
  dataSourceId: string,
  since: string | undefined,
  options: { logger: Logger; signal?: AbortSignal | undefined; pageSize?: number },
  stats?: DiscoveryStats,
): AsyncGenerator<NotionPage, void, undefined> {
  let from = since;
  // Within one minute that holds more than the cap: a created_time window inside it.
  let createdFrom: string | undefined;
  for (;;) {
    const edited =
      from === undefined
        ? undefined
        : { timestamp: 'last_edited_time', last_edited_time: { on_or_after: from } };
    let filter: Record<string, unknown> | undefined = edited;
    let sorts: Array<Record<string, string>> = [{ timestamp: 'last_edited_time', direction: 'ascending' }];
    if (createdFrom !== undefined && from !== undefined) {
      filter = {
        and: [
          edited,
          { timestamp: 'last_edited_time', last_edited_time: { on_or_before: from } },
          { timestamp: 'created_time', created_time: { on_or_after: createdFrom } },
        ],
      };
      sorts = [{ timestamp: 'created_time', direction: 'ascending' }];
    }
    let last: NotionPage | undefined;
    let incomplete = false;
    for await (const list of listNotion(
      notion,
      'query data source',
      {
        path: `data_sources/${dataSourceId}/query`,
        method: 'post',
        body: { ...(filter ? { filter } : {}), sorts },
      },
      notionObjectSchema,
      { signal: options.signal, pageSize: options.pageSize ?? 100 },
    )) {
      if (stats) stats.queryPages++;
      for (const result of list.results) {
        if (result.object !== 'page') continue;
        const page = notionPageSchema.parse(result);
        last = page;
        yield page;
      }
      incomplete ||= list.incomplete;
    }
    if (!incomplete) {
      if (createdFrom === undefined) return;
      // The crowded minute is done: continue after it.
      from = new Date(Date.parse(from!) + 60_000).toISOString();
      createdFrom = undefined;
      if (stats) stats.narrowedQueries++;
      continue;
    }
    if (last === undefined) return;
    if (stats) stats.narrowedQueries++;
    options.logger.info('data source query reached the 10,000-row limit; continuing with a narrower window', {
      dataSourceId,
      from: createdFrom === undefined ? last.last_edited_time : last.created_time,
    });
    if (createdFrom === undefined) {
      if (from !== undefined && last.last_edited_time === from) {
        // The whole window is one minute: split it by created_time.
        createdFrom = last.created_time ?? from;
      } else {
        from = last.last_edited_time;
      }
    } else {
      const next = last.created_time;
      if (next === undefined || next === createdFrom) {
        throw new IncompleteListError(
          `data source ${dataSourceId}: more than 10,000 rows were created and edited within the same minute (${from}); the query cannot be split further`,
        );
      }
      createdFrom = next;
    }
  }
}
