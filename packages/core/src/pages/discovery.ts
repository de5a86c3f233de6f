import type { Clock } from '../clock.js';
import { isNotionApiError, isObjectScopedError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NotionClient } from '../notion-client.js';
import type { NotionObject } from '../notion-objects.js';
import { type DataSourceListing, type LearnedObjects, listDataSources } from './data-source-listings.js';
import {
  type DataSourceQueryStats,
  discoveredPage,
  propertyIdsOf,
  queryDataSource,
  returnsTitleOnly,
} from './data-source-query.js';
import {
  DatabaseResolver,
  parentDatabaseIdOf,
  parentDataSourceIdOf,
  type ResolvedDatabases,
  retrieveDataSourceObject,
  titleOf,
  warnSkipped,
} from './database-resolution.js';
import type { NotionPage } from './page-objects.js';
import { parseNotionPage } from './page-objects.js';
import { emptySearchOutcome, reportSearchCutShort, searchListing } from './search-listing.js';

/** A page found by discovery. */
export interface DiscoveredPage {
  id: string;
  lastEditedTime: string;
  /** The page was in the trash when listed (search excludes trash; data source queries do not). */
  trashed: boolean;
  /** The parent page's id, when the parent is a page. */
  parentPageId: string | undefined;
  /** The data source holding the page, when it is a row (kept when the object is dropped). */
  dataSourceId?: string | undefined;
  /**
   * The page object as the listing returned it. Absent when PageListings replays another stream's
   * listing after dropping the objects (see PageListings), and for a row search returned on
   * Notion-Version 2026-12-01 (title only) whose data source could not be queried: fetch the page
   * when you need it.
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
  /**
   * Data sources known from the caller's state, queried even when search does not list them (the
   * listing fetches their objects).
   */
  extraDataSourceIds?: readonly string[] | undefined;
  /**
   * Databases resolved earlier (the caller's state): not read again while what search lists of
   * them is unchanged (see DatabaseResolver). Without a hub the listing updates it in place.
   */
  resolvedDatabases?: ResolvedDatabases | undefined;
  /**
   * Tells the shared data source listing of data sources and databases found outside search
   * (rows' parents, `extraDataSourceIds`), before asking for it: later listings include them.
   */
  learn?: ((objects: LearnedObjects) => void) | undefined;
  /** Operator notices (a search cut short): a `connectorStatus` line. */
  notice?: ((message: string) => void) | undefined;
  /**
   * Called once, after the last query, with every data source queried or learned of (except those
   * that answered 404).
   */
  onDataSourceIds?: ((ids: string[]) => void) | undefined;
}

export interface DiscoveryStats extends DataSourceQueryStats {
  searchPages: number;
  dataSources: number;
  /**
   * Data sources whose rows could not all be read this sweep (an object-scoped error: skipped
   * with a warning, retried next sweep). A page sweep must not move its cursor past them.
   */
  skippedDataSources: number;
  /** The search listing ended early (rejected cursor, `incomplete`): search found less than it lists. */
  searchCutShort: boolean;
}

export function emptyDiscoveryStats(): DiscoveryStats {
  return {
    searchPages: 0,
    dataSources: 0,
    queryPages: 0,
    narrowedQueries: 0,
    skippedDataSources: 0,
    searchCutShort: false,
  };
}

/**
 * Finds every page edited at or after `since` (all pages without it), each exactly once:
 *
 * 1. `POST /v1/search` for pages, sorted by `last_edited_time` descending, stopping at the first
 *    result older than `searchSince`. Search is a hint: a listing cut short (cursor rejected,
 *    `incomplete`) is reported once (a warning and a notice) and discovery goes on; one cut short
 *    before it reached its bound reads search again oldest first (skipping pages older than the
 *    bound) until it meets pages already seen.
 * 2. every reachable data source (see DataSourceListings: search's, their databases' siblings,
 *    the parents of rows search returned, `extraDataSourceIds`), each queried with
 *    `POST /v1/data_sources/{id}/query` (`on_or_after: since` once there is a lower bound), sorted
 *    ascending by `last_edited_time` (see queryDataSource: the 10,000-row cap, expired cursors).
 *    A data source that answers an object-scoped error (400, 403, a body that does not parse, a
 *    window that cannot be split) is skipped with a warning naming it and counted in
 *    `skippedDataSources`; one that answers 404 (unshared, deleted, a linked view) is skipped too.
 *
 * On Notion-Version 2026-12-01 queries name every property (`filter_properties`) and rows search
 * returned (title only) are handed out with the query's copy, or without an object when their
 * data source could not be queried. Pages are deduped by id. Memory: one id per page found.
 */
export async function* discoverPages(
  notion: NotionClient,
  options: DiscoverPagesOptions,
  stats: DiscoveryStats = emptyDiscoveryStats(),
): AsyncGenerator<DiscoveredPage, void, undefined> {
  const { since, logger, signal } = options;
  const clock = options.clock ?? notion.clock;
  const searchSince = options.searchSince ?? since;
  const searchSinceMs = searchSince === undefined ? undefined : Date.parse(searchSince);
  const pageSize = options.pageSize ?? 100;
  const titleOnly = returnsTitleOnly(notion);
  const seen = new Set<string>();
  // Rows search returned with the title property only (2026-12-01): handed out once queried.
  const held = new Map<string, DiscoveredPage>();
  const rowSources = new Set<string>(options.extraDataSourceIds ?? []);
  const rowDatabases = new Set<string>();

  const fromSearch = (page: NotionPage, readAt: number): DiscoveredPage | undefined => {
    const dataSource = parentDataSourceIdOf(page);
    if (dataSource !== undefined) rowSources.add(dataSource);
    const database = parentDatabaseIdOf(page);
    if (database !== undefined) rowDatabases.add(database);
    if (seen.has(page.id)) return undefined;
    seen.add(page.id);
    if (titleOnly && dataSource !== undefined) {
      held.set(page.id, discoveredPage(page, 'search', readAt, false));
      return undefined;
    }
    return discoveredPage(page, 'search', readAt);
  };

  // 1. search, newest first, until older than `searchSince`.
  const outcome = emptySearchOutcome();
  let reachedBound = false;
  let requestedAt = clock.now();
  search: for await (const list of searchListing(
    notion,
    { object: 'page', direction: 'descending', signal, pageSize },
    outcome,
  )) {
    const readAt = requestedAt;
    for (const result of list.results) {
      const page = parseNotionPage(result, 'search pages', list.requestId);
      if (searchSinceMs !== undefined && Date.parse(page.last_edited_time) < searchSinceMs) {
        reachedBound = true;
        break search;
      }
      const found = fromSearch(page, readAt);
      if (found) yield found;
    }
    requestedAt = clock.now();
  }
  let read = outcome.read;
  if (outcome.cutShort !== undefined && !reachedBound) {
    // Cut short above the bound (a backfill or a deletion scan on a large workspace): the oldest
    // pages, until they meet the newest ones already read. What search can reach doubles.
    const ascending = emptySearchOutcome();
    requestedAt = clock.now();
    oldest: for await (const list of searchListing(
      notion,
      { object: 'page', direction: 'ascending', signal, pageSize },
      ascending,
    )) {
      const readAt = requestedAt;
      for (const result of list.results) {
        if (seen.has(result.id)) break oldest;
        const page = parseNotionPage(result, 'search pages', list.requestId);
        if (searchSinceMs !== undefined && Date.parse(page.last_edited_time) < searchSinceMs) continue;
        const found = fromSearch(page, readAt);
        if (found) yield found;
      }
      requestedAt = clock.now();
    }
    read += ascending.read;
    outcome.requests += ascending.requests;
    if (ascending.cutShort !== undefined) outcome.cutShort += `; oldest first: ${ascending.cutShort}`;
  }
  stats.searchPages += outcome.requests;
  if (outcome.cutShort !== undefined) {
    stats.searchCutShort = true;
    reportSearchCutShort(
      notion,
      'The search for pages',
      { ...outcome, read },
      options.notice,
      'rows are still read from their data sources and pages from the trees that hold them',
    );
  }

  // 2. every reachable data source, then their rows.
  const learned = {
    dataSources: [...rowSources],
    databases: [...rowDatabases],
    resolvedDatabases: options.resolvedDatabases,
  };
  options.learn?.(learned);
  const listing = options.listDataSources
    ? options.listDataSources(signal)
    : listDataSources(notion, { signal, notice: options.notice, learned });
  const sources = new Map<string, NotionObject | undefined>();
  const listedDatabases = new Set<string>();
  for await (const source of listing.results) {
    sources.set(source.id, source);
    const database = parentDatabaseIdOf(source);
    if (database !== undefined) listedDatabases.add(database);
  }
  // A replayed listing may predate what this discovery learned: resolve and add the rest here.
  const resolver = new DatabaseResolver(notion);
  for (const database of rowDatabases) {
    if (listedDatabases.has(database) || listing.resolvedDatabase(database)) continue;
    for (const id of await resolver.resolve(database, signal))
      if (!sources.has(id)) sources.set(id, undefined);
  }
  for (const id of rowSources) if (!sources.has(id)) sources.set(id, undefined);
  stats.dataSources += sources.size;
  // Data sources that answered 404 (deleted, unshared): not worth remembering.
  const gone = new Set<string>();

  for (const [dataSourceId, known] of sources) {
    let source = known;
    try {
      let filterProperties: string[] | undefined;
      if (titleOnly) {
        if (source === undefined || propertyIdsOf(source).length === 0) {
          const fetched = await retrieveDataSourceObject(notion, dataSourceId, signal);
          if (fetched === undefined) {
            gone.add(dataSourceId); // 404: nothing to read
            continue;
          }
          if (fetched === null) {
            stats.skippedDataSources++;
            continue;
          }
          source = fetched;
        }
        filterProperties = propertyIdsOf(source);
      }
      for await (const { page, readAt } of queryDataSource(
        notion,
        dataSourceId,
        since,
        { logger, signal, pageSize, clock, filterProperties },
        stats,
      )) {
        const heldRow = held.get(page.id);
        if (heldRow !== undefined) {
          held.delete(page.id);
          yield discoveredPage(page, 'search', readAt);
          continue;
        }
        if (seen.has(page.id)) continue;
        seen.add(page.id);
        yield discoveredPage(page, 'data_source', readAt, true, dataSourceId);
      }
    } catch (error) {
      if (isNotionApiError(error, 'object_not_found')) {
        gone.add(dataSourceId);
        logger.warn('data source answered 404 (unshared, deleted or a linked view); skipping its rows', {
          dataSourceId,
          title: titleOf(source),
          requestId: error.requestId,
        });
        continue;
      }
      if (!isObjectScopedError(error)) throw error;
      stats.skippedDataSources++;
      warnSkipped(logger, 'a data source', dataSourceId, titleOf(source), error);
    }
  }
  options.onDataSourceIds?.([...sources.keys()].filter((id) => !gone.has(id)));
  // Rows search returned whose data source gave no copy: without their object (fetched when needed).
  for (const row of held.values()) yield row;
}
