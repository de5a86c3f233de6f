import type { Clock } from '../clock.js';
import type { NotionClient } from '../notion-client.js';
import { iterateSearchObjects, type NotionObject } from '../notion-objects.js';
import { type ObjectPolicy, SharedListings, type SharedListingsOptions } from './shared-listing.js';

/** The data sources `POST /v1/search` lists: a listing of the caller's own, or a shared one. */
export interface DataSourceListing {
  /**
   * When the listing started (clock ms): a data source created or edited after it may be missing
   * or show an older version. A sweep that keeps a start time keeps no later one than this.
   */
  startedAt: number;
  /** True when these results replay a listing another caller started. */
  shared: boolean;
  /**
   * Each data source once. Whole objects for callers that need them (`needsObjects`); others may
   * get `object`, `id`, `parent`, `created_time`, `last_edited_time`, `in_trash` and `archived` only.
   */
  results: AsyncIterable<NotionObject>;
}

export interface DataSourceListingRequest {
  signal?: AbortSignal | undefined;
  /** The caller uses whole data source objects (schemas: the data_sources stream). */
  needsObjects?: boolean;
}

/**
 * The data source listing the databases and data_sources streams and page discovery share: one
 * listing running, or finished less than the reuse window ago, serves them all. Whole objects are
 * kept as SharedListings keeps objects; a caller that needs whole objects lists anew rather than
 * replay a listing that dropped some.
 */
export interface DataSourceListings {
  /** The data sources search lists: a replay of a recent listing, or a new one. */
  list(notion: NotionClient, request?: DataSourceListingRequest): DataSourceListing;
}

/** What the databases stream and page discovery read of a data source. */
const DATA_SOURCE_FIELDS = [
  'object',
  'id',
  'parent',
  'created_time',
  'last_edited_time',
  'in_trash',
  'archived',
];
/** Data source entries stored without their whole object. */
const compacted = new WeakSet<object>();

const dataSourceObjects: ObjectPolicy<NotionObject> = {
  has: (entry) => !compacted.has(entry),
  drop: (entry) => {
    if (compacted.has(entry)) return entry;
    const compact: Record<string, unknown> = {};
    for (const field of DATA_SOURCE_FIELDS) if (field in entry) compact[field] = entry[field];
    compacted.add(compact);
    return compact as NotionObject;
  },
};

export function createDataSourceListings(options: SharedListingsOptions): DataSourceListings {
  const listings = new SharedListings<NotionObject>(options, dataSourceObjects);
  return {
    list(notion, request = {}) {
      const needsObjects = request.needsObjects === true;
      let run = listings.replayable().find((r) => !needsObjects || !r.dropped);
      const shared = run !== undefined;
      if (run === undefined) {
        const started = listings.newRun();
        listings.start(
          started,
          iterateSearchObjects(notion, 'data_source', { signal: started.controller.signal }),
        );
        run = started;
      }
      return {
        startedAt: run.startedAt,
        shared,
        results: listings.read(run, needsObjects, () => true, request.signal),
      };
    },
  };
}

/**
 * The data sources search lists, through `hub` when there is one (a listing shared with the other
 * streams: `CaptureHub.dataSourceListings`), else a search of the caller's own.
 */
export function listDataSources(
  notion: NotionClient,
  options: DataSourceListingRequest & {
    hub?: { dataSourceListings: DataSourceListings } | undefined;
    clock?: Clock | undefined;
  },
): DataSourceListing {
  if (options.hub) return options.hub.dataSourceListings.list(notion, options);
  return {
    startedAt: (options.clock ?? notion.clock).now(),
    shared: false,
    results: iterateSearchObjects(notion, 'data_source', { signal: options.signal }),
  };
}
