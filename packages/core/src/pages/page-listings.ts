import type { NotionClient } from '../notion-client.js';
import type { DataSourceListings } from './data-source-listings.js';
import {
  type DiscoveredPage,
  type DiscoverPagesOptions,
  type DiscoveryStats,
  discoverPages,
} from './discovery.js';
import {
  type ListingRun,
  type ObjectPolicy,
  SharedListings,
  type SharedListingsOptions,
} from './shared-listing.js';

export interface PageDiscoveryRequest extends DiscoverPagesOptions {
  /**
   * The caller uses page objects (the pages stream). A replayed listing hands out page objects
   * only while it still holds them; otherwise `page` is absent and the caller fetches the pages it
   * needs (only changed ones: unchanged pages are recognised by id, time and trash flag).
   */
  needsPageObjects?: boolean;
}

/** One sweep's view of a discovery: its own listing, or a replay of another stream's. */
export interface PageDiscovery {
  /**
   * When the listing started (clock ms). Edits made after it may be missing from the results: a
   * sweep must not move its cursor past floorMinute(startedAt). Final once `pages` is exhausted
   * (a discovery that queries a shared data source listing started earlier moves it back).
   */
  readonly startedAt: number;
  /** True when these results replay a listing another caller started. */
  shared: boolean;
  pages: AsyncIterable<DiscoveredPage>;
}

/**
 * Page discoveries the page streams of one capture share: a discovery asked for with lower bounds
 * S (rows) and SS (search) while another one with bounds ≤ S and ≤ SS is running, or finished
 * less than the reuse window ago, replays that one's results (those edited at or after min(S, SS))
 * instead of listing again. Results are kept compact (id, time, trash flag, parent); page objects
 * are kept as SharedListings keeps objects. A new discovery queries the data sources of the shared
 * data source listing.
 */
export interface PageListings {
  /** A discovery: a replay of a suitable recent one, or a new listing. */
  discover(notion: NotionClient, request: PageDiscoveryRequest, stats?: DiscoveryStats): PageDiscovery;
}

interface PageRun extends ListingRun<DiscoveredPage> {
  sinceMs: number;
  searchSinceMs: number;
}

const pageObjects: ObjectPolicy<DiscoveredPage> = {
  has: (entry) => entry.page !== undefined,
  drop: (entry) => ({ ...entry, page: undefined }),
};

const boundMs = (iso: string | undefined): number => {
  if (iso === undefined) return Number.NEGATIVE_INFINITY;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
};

export function createPageListings(
  options: SharedListingsOptions,
  dataSourceListings: DataSourceListings,
): PageListings {
  const { clock } = options;
  const listings = new SharedListings<DiscoveredPage, PageRun>(options, pageObjects);
  return {
    discover(notion, request, stats) {
      const sinceMs = boundMs(request.since);
      const searchSinceMs = boundMs(request.searchSince ?? request.since);
      let run = listings.replayable().find((r) => r.sinceMs <= sinceMs && r.searchSinceMs <= searchSinceMs);
      const shared = run !== undefined;
      if (run === undefined) {
        const started: PageRun = { ...listings.newRun(), sinceMs, searchSinceMs };
        const { signal: _callerSignal, ...rest } = request;
        const listing = discoverPages(
          notion,
          {
            ...rest,
            clock,
            signal: started.controller.signal,
            // The rows of the data sources a shared listing saw: no newer than when it started.
            listDataSources: (signal) => {
              const sources = dataSourceListings.list(notion, { signal });
              started.startedAt = Math.min(started.startedAt, sources.startedAt);
              return sources;
            },
          },
          stats,
        );
        listings.start(started, listing);
        run = started;
      }
      const fromMs = Math.min(sinceMs, searchSinceMs);
      const replayed = run;
      return {
        get startedAt() {
          return replayed.startedAt;
        },
        shared,
        pages: listings.read(
          run,
          request.needsPageObjects === true,
          (entry) => Date.parse(entry.lastEditedTime) >= fromMs,
          request.signal,
        ),
      };
    },
  };
}

/** A discovery of the caller's own (no shared listings): discoverPages with its start time. */
export function startPageDiscovery(
  notion: NotionClient,
  request: DiscoverPagesOptions,
  stats?: DiscoveryStats,
): PageDiscovery {
  const clock = request.clock ?? notion.clock;
  return { startedAt: clock.now(), shared: false, pages: discoverPages(notion, request, stats) };
}
