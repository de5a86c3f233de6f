import type { NotionClient } from '../notion-client.js';
import type { DataSourceListings } from './data-source-listings.js';
import {
  type DiscoveredPage,
  type DiscoverPagesOptions,
  type DiscoveryStats,
  discoverPages,
  emptyDiscoveryStats,
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
  /**
   * Every data source the listing queried or learned of (search's, their databases' siblings,
   * rows' parents, `extraDataSourceIds`); final once `pages` is exhausted.
   */
  dataSourceIds(): string[];
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
  /** The listing's own counts; each reader adds them to its stats once it has read the listing. */
  stats: DiscoveryStats;
  dataSourceIds: string[];
}

/**
 * `pages`, and once they are read: the listing's counts added to the reader's stats (a replay
 * adds what concerns its cursor only: skipped data sources, a search cut short).
 */
async function* readAndCount(
  pages: AsyncIterable<DiscoveredPage>,
  run: { stats: DiscoveryStats },
  stats: DiscoveryStats | undefined,
  shared: boolean,
): AsyncGenerator<DiscoveredPage, void, undefined> {
  yield* pages;
  if (stats === undefined) return;
  if (!shared) {
    stats.searchPages += run.stats.searchPages;
    stats.dataSources += run.stats.dataSources;
    stats.queryPages += run.stats.queryPages;
    stats.narrowedQueries += run.stats.narrowedQueries;
  }
  stats.skippedDataSources += run.stats.skippedDataSources;
  stats.searchCutShort ||= run.stats.searchCutShort;
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
        const started: PageRun = {
          ...listings.newRun(),
          sinceMs,
          searchSinceMs,
          stats: emptyDiscoveryStats(),
          dataSourceIds: [],
        };
        const { signal: _callerSignal, ...rest } = request;
        const listing = discoverPages(
          notion,
          {
            ...rest,
            clock,
            signal: started.controller.signal,
            learn: (objects) => dataSourceListings.learn(objects),
            // The rows of the data sources a shared listing saw: no newer than when it started.
            listDataSources: (signal) => {
              const sources = dataSourceListings.list(notion, { signal, notice: request.notice });
              started.startedAt = Math.min(started.startedAt, sources.startedAt);
              return sources;
            },
            onDataSourceIds: (ids) => {
              started.dataSourceIds = ids;
            },
          },
          started.stats,
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
        pages: readAndCount(
          listings.read(
            run,
            request.needsPageObjects === true,
            (entry) => Date.parse(entry.lastEditedTime) >= fromMs,
            request.signal,
          ),
          run,
          stats,
          shared,
        ),
        dataSourceIds: () => replayed.dataSourceIds,
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
  let dataSourceIds: string[] = [];
  const pages = discoverPages(
    notion,
    {
      ...request,
      onDataSourceIds: (ids) => {
        dataSourceIds = ids;
        request.onDataSourceIds?.(ids);
      },
    },
    stats,
  );
  return { startedAt: clock.now(), shared: false, pages, dataSourceIds: () => dataSourceIds };
}
