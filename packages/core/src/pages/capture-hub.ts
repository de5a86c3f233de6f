import type { Clock } from '../clock.js';
import { type CompletedPages, createCompletedPages } from './completed-pages.js';
import { createDataSourceListings, type DataSourceListings } from './data-source-listings.js';
import type { DiscoveredPage } from './discovery.js';
import { createFoundPages, type FoundPage, type FoundPages } from './found-pages.js';
import { createPageListings, type PageListings } from './page-listings.js';

/**
 * What the streams of one capture share, so that a page found by one is captured by all and each
 * listing is paid once. Three parts (and the completed values of truncated rows, `completedPages`):
 *
 * - `pageListings`: page streams sweeping at once share one discovery (PageListings);
 * - `dataSourceListings`: the databases and data_sources streams and page discovery share one
 *   data source listing (DataSourceListings, or `listDataSources`);
 * - `foundPages`: pages found outside discovery (child_page blocks met in trees, parents climbed
 *   to, rows of data sources found late, known child pages whose child_page block vanished) reach
 *   every page sweep of the capture while it runs (FoundPages).
 *
 * Create one per capture (per token: a replay uses the listing made with the first caller's
 * client) and pass it to every stream through `StreamContext.hub`. Streams run without one each
 * list on their own and never see each other's found pages.
 */
export interface CaptureHub {
  readonly pageListings: PageListings;
  readonly dataSourceListings: DataSourceListings;
  readonly foundPages: FoundPages;
  /** Rows' values completed past 25 references, once per page version (the pages and typed rows streams). */
  readonly completedPages: CompletedPages;
}

export interface CaptureHubOptions {
  clock: Clock;
  /** How long a finished listing may be replayed. Default 60 s. */
  reuseWindowMs?: number;
  /** Page (and data source) objects each listing keeps regardless of readers. Default 1,000. */
  retainedPageObjects?: number;
  /**
   * Aborting it cancels the hub's timers (the end of the capture). Without it, the timer that
   * forgets a finished listing keeps the event loop busy until the reuse window ends.
   */
  signal?: AbortSignal | undefined;
}

/** A process-wide hub for the streams of one capture (see CaptureHub). */
export function createCaptureHub(options: CaptureHubOptions): CaptureHub {
  const listings = {
    clock: options.clock,
    reuseWindowMs: options.reuseWindowMs ?? 60_000,
    retainedObjects: Math.max(0, options.retainedPageObjects ?? 1_000),
    signal: options.signal,
  };
  // Rows of data sources found late (a child_database block met in a tree) reach every page
  // sweep of the capture as found pages (reason 'row'); the sweeps do not finish while such a
  // data source is being read.
  const foundPages = createFoundPages();
  const listed = createDataSourceListings(listings, {
    onLateRows: (rows) => foundPages.publish(foundRows(rows)),
  });
  const dataSourceListings: DataSourceListings = {
    ...listed,
    reportDatabases(notion, databaseIds) {
      listed.reportDatabases(notion, databaseIds);
      foundPages.hold(listed.settled()).catch(() => {});
    },
  };
  return {
    pageListings: createPageListings(listings, dataSourceListings),
    dataSourceListings,
    foundPages,
    completedPages: createCompletedPages(),
  };
}

/** Rows discovery found late (data sources met as child_database blocks), as found pages. */
export function foundRows(rows: readonly DiscoveredPage[]): FoundPage[] {
  return rows.map((row) => ({
    id: row.id,
    lastEditedTime: row.lastEditedTime,
    parentPageId: row.parentPageId,
    page: row.page,
    readAt: row.readAt,
    trashed: row.trashed,
    reason: 'row',
  }));
}

/**
 * For the streams that capture data sources and databases: waits until the page sweeps of the
 * capture running now are done finding things (every one idle, nothing unread, no database met in
 * a tree still being read), then returns what the capture learned outside search: data sources
 * and databases met only through `child_database` blocks reach their collections in the same
 * backfill as the rows under them. Returns at once when no page sweep is running.
 */
export async function awaitLateDiscoveries(
  hub: CaptureHub,
  signal: AbortSignal,
): Promise<{ dataSources: string[]; databases: string[] }> {
  const reader = hub.foundPages.join();
  try {
    // Only the end matters here: whatever the page sweeps publish is theirs to process.
    while (await reader.idle(signal)) reader.take();
  } finally {
    reader.leave();
  }
  await hub.dataSourceListings.settled();
  return hub.dataSourceListings.learnedIds();
}
