import type { Clock } from '../clock.js';
import { isNotionApiError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NotionClient } from '../notion-client.js';
import { listNotion } from '../notion-list.js';
import { iterateSearchObjects, notionObjectSchema } from '../notion-objects.js';
import { isInTrash } from '../stream-documents.js';
import type { DataSourceListing } from './data-source-listings.js';
import { type DataSourceQueryStats, queryDataSource } from './data-source-query.js';
import { type NotionPage, parentPageIdOf, parseNotionPage } from './page-objects.js';

/** A page found by discovery. */
export interface DiscoveredPage {
  id: string;
  lastEditedTime: string;
  /** The page was in the trash when listed (search excludes trash; data source queries do not). */
  trashed: boolean;
  /** The parent page's id, when the parent is a page. */
  parentPageId: string | undefined;
  /**
   * The page object as the listing returned it. Absent when PageListings replays another stream's
   * listing after dropping the objects (see PageListings): fetch the page when you need it.
   */
  page?: NotionPage | undefined;
  /** Where it was found first. */
  source: 'search' | 'data_source';
  /** When the listing returned it (the clock's epoch ms): the time its data was read. */
  readAt: number;
}

export interface DiscoverPagesOptions {
  /**
   * Inclusive lower bound (ISO) on `last_edited_time` of data source rows: rows edited before it
   * are not listed. Undefined: every page (a full enumeration). Callers subtract their overlap
   * window themselves.
   */
  since?: string | undefined;
  /**
   * Inclusive lower bound of the search listing (default `since`): search lags behind edits, so
   * callers give it a wider overlap. Search is sorted descending and stops at the bound, and
   * pages already processed at the listed version are skipped by the caller: a wide bound costs
   * a page or two of search results, not per-page requests.
   */
  searchSince?: string | undefined;
  logger: Logger;
  signal?: AbortSignal | undefined;
  /** Page size of every listing (default 100, Notion's maximum). */
  pageSize?: number;
  /** Stamps `readAt`; default the client's clock. */
  clock?: Clock | undefined;
  /**
   * The data sources to query, asked for once the search is done. Default: a search of its own. A
   * CaptureHub passes a listing shared with the other streams (and accounts for when it started).
   */
  listDataSources?: ((signal: AbortSignal | undefined) => DataSourceListing) | undefined;
}

export interface DiscoveryStats extends DataSourceQueryStats {
  searchPages: number;
  dataSources: number;
}

function discovered(page: NotionPage, source: DiscoveredPage['source'], readAt: number): DiscoveredPage {
  return {
    id: page.id,
    lastEditedTime: page.last_edited_time,
    trashed: isInTrash(page),
    parentPageId: parentPageIdOf(page),
    page,
    source,
    readAt,
  };
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
  const clock = options.clock ?? notion.clock;
  const searchSince = options.searchSince ?? since;
  const searchSinceMs = searchSince === undefined ? undefined : Date.parse(searchSince);
  const pageSize = options.pageSize ?? 100;
  const seen = new Set<string>();

  // `readAt` of a result: when the request that returned it was sent (no later than Notion read it).
  let requestedAt = clock.now();
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
    const readAt = requestedAt;
    for (const result of list.results) {
      if (result.object !== 'page') continue;
      const page = parseNotionPage(result, 'search pages', list.requestId);
      if (searchSinceMs !== undefined && Date.parse(page.last_edited_time) < searchSinceMs) break search;
      if (seen.has(page.id)) continue;
      seen.add(page.id);
      yield discovered(page, 'search', readAt);
    }
    requestedAt = clock.now();
  }

  // 2. the data sources search can see, then their rows.
  const dataSourceIds: string[] = [];
  const dataSources = options.listDataSources
    ? options.listDataSources(signal).results
    : iterateSearchObjects(notion, 'data_source', { signal });
  for await (const dataSource of dataSources) dataSourceIds.push(dataSource.id);
  stats.dataSources += dataSourceIds.length;

  for (const dataSourceId of dataSourceIds) {
    try {
      for await (const { page, readAt } of queryDataSource(
        notion,
        dataSourceId,
        since,
        { logger, signal, pageSize, clock },
        stats,
      )) {
        if (seen.has(page.id)) continue;
        seen.add(page.id);
        yield discovered(page, 'data_source', readAt);
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
