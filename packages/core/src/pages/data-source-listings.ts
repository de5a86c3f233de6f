import type { Clock } from '../clock.js';
import { mapConcurrent } from '../map-concurrent.js';
import type { NotionClient } from '../notion-client.js';
import type { NotionObject } from '../notion-objects.js';
import {
  DatabaseResolver,
  parentDatabaseIdOf,
  type ResolvedDatabases,
  retrieveDataSourceObject,
} from './database-resolution.js';
import type { DiscoveredPage } from './discovery.js';
import { reportLateDatabases } from './late-data-sources.js';
import {
  emptySearchOutcome,
  reportSearchCutShort,
  type SearchOutcome,
  searchListing,
} from './search-listing.js';
import {
  type ListingRun,
  type ObjectPolicy,
  SharedListings,
  type SharedListingsOptions,
} from './shared-listing.js';

/**
 * Every data source the integration can reach: the ones `POST /v1/search` lists, their siblings
 * (the `data_sources` of each database seen: search omits some), and the data sources and
 * databases learned elsewhere (rows' parents, a page sweep's state, `child_database` blocks).
 */
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
   * get `object`, `id`, `parent`, `created_time`, `last_edited_time`, `in_trash`, `archived`,
   * `title` and the ids of `properties` only.
   */
  results: AsyncIterable<NotionObject>;
  /**
   * The databases the listing read (`GET /v1/databases/{id}`), whole; final once `results` is
   * read. Through a hub, a database is read again only when the data sources search lists of it
   * changed (ids or `last_edited_time`) since it was last read in this capture.
   */
  readonly databases: ReadonlyMap<string, NotionObject>;
  /**
   * Databases the listing could not read (final once `results` is read): 'gone' (404) or
   * 'unreadable' (another object-scoped error, warned about): a caller need not ask again.
   */
  readonly failedDatabases: ReadonlyMap<string, 'gone' | 'unreadable'>;
  /** True when the listing resolved (or tried to read) database `id`: its data sources are in `results`. */
  resolvedDatabase(id: string): boolean;
  /** How the search half went (`cutShort` when it ended early); final once `results` is read. */
  readonly search: SearchOutcome;
}

export interface DataSourceListingRequest {
  signal?: AbortSignal | undefined;
  /** The caller uses whole data source objects (schemas: the data_sources stream). */
  needsObjects?: boolean;
  /** Operator notices (a search cut short); the first caller's is used by a shared listing. */
  notice?: ((message: string) => void) | undefined;
  /** GETs in flight while the listing reads databases and data sources (default 8); the first caller's. */
  concurrency?: number | undefined;
}

/** Data sources and databases learned outside search. */
export interface LearnedObjects {
  dataSources?: Iterable<string> | undefined;
  databases?: Iterable<string> | undefined;
}

/**
 * The data source listing the databases and data_sources streams and page discovery share: one
 * listing running, or finished less than the reuse window ago, serves them all. Whole objects are
 * kept as SharedListings keeps objects; a caller that needs whole objects lists anew rather than
 * replay a listing that dropped some.
 */
export interface DataSourceListings {
  /** Every reachable data source: a replay of a recent listing, or a new one. */
  list(notion: NotionClient, request?: DataSourceListingRequest): DataSourceListing;
  /**
   * Listings started before `at` (clock ms) are not replayed any more: a webhook event said a
   * data source or database changed then, and the next caller lists anew. Optional: stand-ins
   * for tests may leave it out.
   */
  notBefore?(at: number): void;
  /** Data sources and databases found outside search: every later listing of the capture includes them. */
  learn(objects: LearnedObjects): void;
  /**
   * Databases met late (`child_database` blocks): each one not known yet is read, and the rows of
   * its new data sources go to `onLateRows` (in the background; failures are warnings).
   */
  reportDatabases(notion: NotionClient, databaseIds: readonly string[]): void;
  /** Resolves once every database reported so far has been handled. */
  settled(): Promise<void>;
  /** The data sources and databases learned outside search so far in this capture. */
  learnedIds(): { dataSources: string[]; databases: string[] };
}

export interface DataSourceListingsHooks {
  /** Rows of data sources found through `reportDatabases`. */
  onLateRows?: ((rows: DiscoveredPage[]) => void) | undefined;
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
  'title',
];
/** Data source entries stored without their whole object. */
const compacted = new WeakSet<object>();

const dataSourceObjects: ObjectPolicy<NotionObject> = {
  has: (entry) => !compacted.has(entry),
  drop: (entry) => {
    if (compacted.has(entry)) return entry;
    const compact: Record<string, unknown> = {};
    for (const field of DATA_SOURCE_FIELDS) if (field in entry) compact[field] = entry[field];
    // The property ids (a query on 2026-12-01 names them in `filter_properties`).
    const properties = entry.properties;
    if (typeof properties === 'object' && properties !== null) {
      compact.properties = Object.fromEntries(
        Object.entries(properties).map(([name, value]) => [name, { id: (value as { id?: unknown })?.id }]),
      );
    }
    compacted.add(compact);
    return compact as NotionObject;
  },
};

/** GETs in flight while resolving databases and fetching data sources search did not list. */
const DEFAULT_RESOLVE_CONCURRENCY = 8;

interface ListAllOptions {
  signal?: AbortSignal | undefined;
  notice?: ((message: string) => void) | undefined;
  concurrency?: number | undefined;
  learned: { dataSources: Iterable<string>; databases: Iterable<string> };
  resolver: DatabaseResolver;
  search: SearchOutcome;
  /** Called with each data source yielded (the capture-wide known set). */
  onListed?: ((source: NotionObject) => void) | undefined;
  /** Called with each data source that answered 404 (deleted or unshared: forget it). */
  onGone?: ((id: string) => void) | undefined;
}

/**
 * The data sources search lists, then (in rounds, until nothing new is found) the data sources of
 * every database seen and the ones learned elsewhere that search did not list, each fetched with
 * one GET. Unreadable databases and data sources are skipped with a warning.
 */
async function* listAllDataSources(
  notion: NotionClient,
  options: ListAllOptions,
): AsyncGenerator<NotionObject, void, undefined> {
  const { signal, resolver } = options;
  const concurrency = options.concurrency ?? DEFAULT_RESOLVE_CONCURRENCY;
  const listed = new Set<string>();
  const databases = new Set<string>(options.learned.databases);
  // Per database, what search listed of it: a database resolved under the same key is not fetched again.
  const keys = new Map<string, string[]>();
  for await (const page of searchListing(notion, { object: 'data_source', signal }, options.search)) {
    for (const source of page.results) {
      listed.add(source.id);
      const database = parentDatabaseIdOf(source);
      if (database !== undefined) {
        databases.add(database);
        const key = keys.get(database) ?? [];
        key.push(`${source.id}@${String(source.last_edited_time)}`);
        keys.set(database, key);
      }
      options.onListed?.(source);
      yield source;
    }
  }
  if (options.search.cutShort !== undefined) {
    reportSearchCutShort(
      notion,
      'The search for data sources',
      options.search,
      options.notice,
      'the data sources it missed are found through their databases',
    );
  }
  let missing = [...options.learned.dataSources].filter((id) => !listed.has(id));
  for (;;) {
    const unresolved = [...databases].filter((id) => !resolver.has(id));
    for await (const ids of mapConcurrent(
      unresolved,
      concurrency,
      (id, signal) => resolver.resolve(id, signal, keys.get(id)?.sort().join(',') ?? ''),
      signal,
    )) {
      for (const id of ids) if (!listed.has(id)) missing.push(id);
    }
    missing = [...new Set(missing)].filter((id) => !listed.has(id));
    if (missing.length === 0) return;
    for (const id of missing) listed.add(id);
    const fetched = mapConcurrent(
      missing,
      concurrency,
      async (id, signal) => ({ id, source: await retrieveDataSourceObject(notion, id, signal) }),
      signal,
    );
    missing = [];
    for await (const { id, source } of fetched) {
      if (source === undefined) options.onGone?.(id);
      if (source === undefined || source === null) continue;
      const database = parentDatabaseIdOf(source);
      if (database !== undefined) databases.add(database);
      options.onListed?.(source);
      yield source;
    }
  }
}

interface DataSourceRun extends ListingRun<NotionObject> {
  resolver: DatabaseResolver;
  search: SearchOutcome;
}

export function createDataSourceListings(
  options: SharedListingsOptions,
  hooks: DataSourceListingsHooks = {},
): DataSourceListings {
  const listings = new SharedListings<NotionObject, DataSourceRun>(options, dataSourceObjects);
  // Capture-wide: what was learned outside search, and every data source and database known.
  const learned = { dataSources: new Set<string>(), databases: new Set<string>() };
  const known = { dataSources: new Set<string>(), databases: new Set<string>() };
  const resolved: ResolvedDatabases = new Map();
  let late: Promise<void> = Promise.resolve();
  return {
    notBefore: (at) => listings.notBefore(at),
    list(notion, request = {}) {
      const needsObjects = request.needsObjects === true;
      let run = listings.replayable().find((r) => !needsObjects || !r.dropped);
      const shared = run !== undefined;
      if (run === undefined) {
        const started: DataSourceRun = {
          ...listings.newRun(),
          resolver: new DatabaseResolver(notion, resolved),
          search: emptySearchOutcome(),
        };
        const listing = listAllDataSources(notion, {
          signal: started.controller.signal,
          notice: request.notice,
          concurrency: request.concurrency,
          learned,
          resolver: started.resolver,
          search: started.search,
          onListed: (source) => {
            known.dataSources.add(source.id);
            const database = parentDatabaseIdOf(source);
            if (database !== undefined) known.databases.add(database);
          },
          onGone: (id) => {
            learned.dataSources.delete(id);
            known.dataSources.delete(id);
          },
        });
        listings.start(started, listing);
        run = started;
      }
      const replayed = run;
      return {
        startedAt: run.startedAt,
        shared,
        results: listings.read(run, needsObjects, () => true, request.signal),
        get databases() {
          return replayed.resolver.databases;
        },
        get failedDatabases() {
          return replayed.resolver.failed;
        },
        resolvedDatabase: (id) => replayed.resolver.has(id),
        get search() {
          return replayed.search;
        },
      };
    },
    learn(objects) {
      for (const id of objects.dataSources ?? []) {
        learned.dataSources.add(id);
        known.dataSources.add(id);
      }
      for (const id of objects.databases ?? []) {
        learned.databases.add(id);
        known.databases.add(id);
      }
    },
    reportDatabases(notion, databaseIds) {
      const fresh = databaseIds.filter((id) => !known.databases.has(id));
      if (fresh.length === 0) return;
      for (const id of fresh) {
        known.databases.add(id);
        learned.databases.add(id);
      }
      const report = () =>
        reportLateDatabases(notion, fresh, {
          known: known.dataSources,
          onDataSource: (id) => learned.dataSources.add(id),
          onLateRows: hooks.onLateRows,
          signal: options.signal,
        });
      late = late.then(report, report);
    },
    settled: () => late,
    learnedIds: () => ({ dataSources: [...learned.dataSources], databases: [...learned.databases] }),
  };
}

/**
 * Every reachable data source, through `hub` when there is one (a listing shared with the other
 * streams: `CaptureHub.dataSourceListings`), else a listing of the caller's own.
 */
export function listDataSources(
  notion: NotionClient,
  options: DataSourceListingRequest & {
    hub?: { dataSourceListings: DataSourceListings } | undefined;
    clock?: Clock | undefined;
    /** Without a hub: data sources and databases known outside search. */
    learned?: LearnedObjects | undefined;
  },
): DataSourceListing {
  if (options.hub) return options.hub.dataSourceListings.list(notion, options);
  const resolver = new DatabaseResolver(notion);
  const search = emptySearchOutcome();
  return {
    startedAt: (options.clock ?? notion.clock).now(),
    shared: false,
    results: listAllDataSources(notion, {
      signal: options.signal,
      notice: options.notice,
      concurrency: options.concurrency,
      learned: {
        dataSources: options.learned?.dataSources ?? [],
        databases: options.learned?.databases ?? [],
      },
      resolver,
      search,
    }),
    databases: resolver.databases,
    failedDatabases: resolver.failed,
    resolvedDatabase: (id) => resolver.has(id),
    search,
  };
}
