import type { Clock } from '../clock.js';
import { createSharedChildPages, type SharedChildPages } from './child-pages.js';
import { createDataSourceListings, type DataSourceListings } from './data-source-listings.js';
import { createPageListings, type PageListings } from './page-listings.js';

/**
 * What the streams of one capture share, so that a page found by one is captured by all and each
 * listing is paid once. Three parts:
 *
 * - `pageListings`: page streams sweeping at once share one discovery (PageListings);
 * - `dataSourceListings`: the databases and data_sources streams and page discovery share one
 *   data source listing (DataSourceListings, or `listDataSources`);
 * - `childPages`: child pages the blocks stream meets in trees (pages search omits) reach the
 *   pages and comments streams (SharedChildPages).
 *
 * Create one per capture (per token: a replay uses the listing made with the first caller's
 * client) and pass it to every stream through `StreamContext.hub`. Streams run without one each
 * list on their own and never see each other's child pages.
 */
export interface CaptureHub {
  readonly pageListings: PageListings;
  readonly dataSourceListings: DataSourceListings;
  readonly childPages: SharedChildPages;
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
  const dataSourceListings = createDataSourceListings(listings);
  return {
    pageListings: createPageListings(listings, dataSourceListings),
    dataSourceListings,
    childPages: createSharedChildPages(),
  };
}
