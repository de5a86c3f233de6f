import type { Clock } from '../clock.js';
import type { NotionClient } from '../notion-client.js';
import { iterateSearchObjects, type NotionObject } from '../notion-objects.js';
import {
  type DataSourceListing,
  type DiscoveredPage,
  type DiscoverPagesOptions,
  type DiscoveryStats,
  discoverPages,
} from './discovery.js';

/** A page met as a `child_page` block that discovery (search, data source queries) did not list. */
export interface HubPage {
  id: string;
  /** The child_page block's last_edited_time, when known. */
  lastEditedTime: string | undefined;
  /** The page whose tree holds the child_page block. */
  parentPageId: string | undefined;
}

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

export interface DataSourceListingRequest {
  signal?: AbortSignal | undefined;
  /** The caller uses whole data source objects (schemas: the data_sources stream). */
  needsObjects?: boolean;
}

/**
 * What the streams of one capture share, so that a page found by one is captured by all and each
 * listing is paid once:
 *
 * - **Published pages**: the blocks stream (and comments with inline comments) meets `child_page`
 *   blocks while walking trees; the ones discovery did not list (search omitted them and they are
 *   no data source's rows) are published here, and the pages and comments streams capture them
 *   on their next sweep. Memory: one entry (~150 bytes) per such page, for the life of the hub.
 * - **Coalesced discoveries**: a discovery asked for with lower bounds S (rows) and SS (search)
 *   while another one with bounds ≤ S and ≤ SS is running, or finished less than `reuseWindowMs`
 *   ago, replays that one's results (those edited at or after min(S, SS)) instead of listing
 *   again. Results are kept compact (id, time, trash flag, parent); page objects are kept only
 *   while a caller that needs them has not read them yet, plus the first `retainedPageObjects` of
 *   each listing, and a listing is forgotten `reuseWindowMs` after it ends.
 * - **Coalesced data source listings**: the databases and data_sources streams and page
 *   discovery all list the data sources search returns; one listing running, or finished less
 *   than `reuseWindowMs` ago, serves them all. Whole objects are kept as page objects are (the
 *   first `retainedPageObjects`, and beyond while a caller that needs them has not read them); a
 *   caller that needs whole objects lists anew rather than replay a listing that dropped some.
 *
 * Create one per capture (per token: a replay uses the listing made with the first caller's
 * client) and pass it to every stream through `StreamContext.pageHub`. Streams run without one
 * each list on their own and never see each other's child pages.
 */
export interface PageHub {
  /** Adds pages met as child_page blocks that discovery did not list. */
  publishPages(pages: Iterable<HubPage>): void;
  /** Every page published so far. */
  publishedPages(): HubPage[];
  /** A discovery: a replay of a suitable recent one, or a new listing. */
  discover(notion: NotionClient, request: PageDiscoveryRequest, stats?: DiscoveryStats): PageDiscovery;
  /** The data sources search lists: a replay of a recent listing, or a new one. */
  listDataSources(notion: NotionClient, request?: DataSourceListingRequest): DataSourceListing;
}

export interface PageHubOptions {
  clock: Clock;
  /** How long a finished listing may be replayed. Default 60 s. */
  reuseWindowMs?: number;
  /** Page objects each listing keeps regardless of readers. Default 1,000. */
  retainedPageObjects?: number;
  /**
   * Aborting it cancels the hub's timers (the end of the capture). Without it, the timer that
   * forgets a finished listing keeps the event loop busy until the reuse window ends.
   */
  signal?: AbortSignal | undefined;
}

interface Consumer {
  position: number;
  needsObjects: boolean;
}

/** One listing, read by any number of consumers at their own pace. */
interface Run<T> {
  startedAt: number;
  entries: T[];
  /** Entries below this index had their objects dropped (or were checked). */
  prunedTo: number;
  /** Some entry was stored or kept without its object. */
  dropped: boolean;
  consumers: Set<Consumer>;
  done: boolean;
  failed: boolean;
  error?: unknown;
  finishedAt: number;
  controller: AbortController;
  waiters: Array<() => void>;
}

interface PageRun extends Run<DiscoveredPage> {
  sinceMs: number;
  searchSinceMs: number;
}

/** How a listing's entries carry their objects. */
interface Objects<T> {
  has(entry: T): boolean;
  /** The entry without its object (what every caller can do with). */
  drop(entry: T): T;
}

const pageObjects: Objects<DiscoveredPage> = {
  has: (entry) => entry.page !== undefined,
  drop: (entry) => ({ ...entry, page: undefined }),
};

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

const dataSourceObjects: Objects<NotionObject> = {
  has: (entry) => !compacted.has(entry),
  drop: (entry) => {
    if (compacted.has(entry)) return entry;
    const compact: Record<string, unknown> = {};
    for (const field of DATA_SOURCE_FIELDS) if (field in entry) compact[field] = entry[field];
    compacted.add(compact);
    return compact as NotionObject;
  },
};

const boundMs = (iso: string | undefined): number => {
  if (iso === undefined) return Number.NEGATIVE_INFINITY;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
};

/** A process-wide hub for the streams of one capture (see PageHub). */
export function createPageHub(options: PageHubOptions): PageHub {
  const { clock } = options;
  const reuseWindowMs = options.reuseWindowMs ?? 60_000;
  const retained = Math.max(0, options.retainedPageObjects ?? 1_000);
  const published = new Map<string, HubPage>();
  let pageRuns: PageRun[] = [];
  let dataSourceRuns: Run<NotionObject>[] = [];

  const wake = <T>(run: Run<T>) => {
    const waiters = run.waiters;
    run.waiters = [];
    for (const resolve of waiters) resolve();
  };

  /** Drops objects no attached reader that needs them will read any more. */
  const prune = <T>(run: Run<T>, objects: Objects<T>) => {
    let limit = run.entries.length;
    for (const consumer of run.consumers) {
      if (consumer.needsObjects) limit = Math.min(limit, consumer.position);
    }
    for (let i = Math.max(run.prunedTo, retained); i < limit; i++) {
      const entry = run.entries[i]!;
      if (objects.has(entry)) {
        run.entries[i] = objects.drop(entry);
        run.dropped = true;
      }
    }
    run.prunedTo = Math.max(run.prunedTo, limit);
  };

  const detach = <T>(run: Run<T>, consumer: Consumer, objects: Objects<T>) => {
    run.consumers.delete(consumer);
    if (!run.done && run.consumers.size === 0) {
      // Nobody reads it any more: stop listing, and never replay a partial listing.
      run.failed = true;
      run.controller.abort(new Error('listing abandoned by every reader'));
    } else {
      prune(run, objects);
    }
  };

  const newRun = <T>(): Run<T> => ({
    startedAt: clock.now(),
    entries: [],
    prunedTo: 0,
    dropped: false,
    consumers: new Set(),
    done: false,
    failed: false,
    finishedAt: 0,
    controller: new AbortController(),
    waiters: [],
  });

  /**
   * A finished listing is replayed for reuseWindowMs only: forget it then, rather than at the next
   * listing (the next sweep, maybe a day later), so that its entries and objects do not stay in
   * memory until then. Readers still attached keep their own reference.
   */
  const expire = (run: Run<unknown>) => {
    clock.sleep(reuseWindowMs + 1, options.signal).then(
      () => {
        if (clock.now() - run.finishedAt <= reuseWindowMs) return;
        pageRuns = pageRuns.filter((r) => r !== run);
        dataSourceRuns = dataSourceRuns.filter((r) => r !== run);
      },
      () => {},
    );
  };

  /** Stores what `listing` yields into `run`, in the background. */
  const fill = <T>(run: Run<T>, listing: AsyncIterable<T>, objects: Objects<T>) => {
    void (async () => {
      try {
        for await (const found of listing) {
          const index = run.entries.length;
          const keep =
            index < retained || [...run.consumers].some((c) => c.needsObjects && c.position <= index);
          if (!keep && objects.has(found)) run.dropped = true;
          run.entries.push(keep ? found : objects.drop(found));
          wake(run);
        }
      } catch (error) {
        run.error = error;
        run.failed = true;
      } finally {
        run.done = true;
        run.finishedAt = clock.now();
        prune(run, objects);
        wake(run);
        expire(run);
      }
    })();
  };

  async function* read<T>(
    run: Run<T>,
    consumer: Consumer,
    objects: Objects<T>,
    include: (entry: T) => boolean,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<T, void, undefined> {
    try {
      for (;;) {
        while (consumer.position < run.entries.length) {
          const entry = run.entries[consumer.position++]!;
          if (consumer.position % 100 === 0) prune(run, objects);
          if (include(entry)) yield entry;
        }
        if (run.error !== undefined) throw run.error;
        if (run.done) return;
        signal?.throwIfAborted();
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => reject(signal!.reason);
          signal?.addEventListener('abort', onAbort, { once: true });
          run.waiters.push(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      }
    } finally {
      detach(run, consumer, objects);
    }
  }

  /** Runs still worth replaying: not failed, and running or finished within the reuse window. */
  const live = <R extends Run<unknown>>(runs: R[]): R[] => {
    const now = clock.now();
    return runs.filter((run) => !run.failed && (!run.done || now - run.finishedAt <= reuseWindowMs));
  };

  const hub: PageHub = {
    publishPages(pages) {
      for (const page of pages) published.set(page.id, page);
    },
    publishedPages: () => [...published.values()],
    discover(notion, request, stats) {
      pageRuns = live(pageRuns);
      const sinceMs = boundMs(request.since);
      const searchSinceMs = boundMs(request.searchSince ?? request.since);
      let run = pageRuns.find((r) => r.sinceMs <= sinceMs && r.searchSinceMs <= searchSinceMs);
      const shared = run !== undefined;
      if (run === undefined) {
        const started: PageRun = { ...newRun<DiscoveredPage>(), sinceMs, searchSinceMs };
        const { signal: _callerSignal, ...rest } = request;
        const listing = discoverPages(
          notion,
          {
            ...rest,
            clock,
            signal: started.controller.signal,
            // The rows of the data sources a shared listing saw: no newer than when it started.
            listDataSources: (signal) => {
              const sources = hub.listDataSources(notion, { signal });
              started.startedAt = Math.min(started.startedAt, sources.startedAt);
              return sources;
            },
          },
          stats,
        );
        fill(started, listing, pageObjects);
        pageRuns.push(started);
        run = started;
      }
      const consumer: Consumer = { position: 0, needsObjects: request.needsPageObjects === true };
      run.consumers.add(consumer);
      const fromMs = Math.min(sinceMs, searchSinceMs);
      const replayed = run;
      return {
        get startedAt() {
          return replayed.startedAt;
        },
        shared,
        pages: read(
          run,
          consumer,
          pageObjects,
          (entry) => Date.parse(entry.lastEditedTime) >= fromMs,
          request.signal,
        ),
      };
    },
    listDataSources(notion, request = {}) {
      dataSourceRuns = live(dataSourceRuns);
      const needsObjects = request.needsObjects === true;
      let run = dataSourceRuns.find((r) => !needsObjects || !r.dropped);
      const shared = run !== undefined;
      if (run === undefined) {
        const started = newRun<NotionObject>();
        fill(
          started,
          iterateSearchObjects(notion, 'data_source', { signal: started.controller.signal }),
          dataSourceObjects,
        );
        dataSourceRuns.push(started);
        run = started;
      }
      const consumer: Consumer = { position: 0, needsObjects };
      run.consumers.add(consumer);
      return {
        startedAt: run.startedAt,
        shared,
        results: read(run, consumer, dataSourceObjects, () => true, request.signal),
      };
    },
  };
  return hub;
}

/** A discovery of the caller's own (no hub): discoverPages with its start time. */
export function startPageDiscovery(
  notion: NotionClient,
  request: DiscoverPagesOptions,
  stats?: DiscoveryStats,
): PageDiscovery {
  const clock = request.clock ?? notion.clock;
  return { startedAt: clock.now(), shared: false, pages: discoverPages(notion, request, stats) };
}

/**
 * The data sources search lists, through `hub` when there is one (a listing shared with the other
 * streams), else a search of the caller's own.
 */
export function listDataSources(
  notion: NotionClient,
  options: DataSourceListingRequest & { hub?: PageHub | undefined; clock?: Clock | undefined },
): DataSourceListing {
  if (options.hub) return options.hub.listDataSources(notion, options);
  return {
    startedAt: (options.clock ?? notion.clock).now(),
    shared: false,
    results: iterateSearchObjects(notion, 'data_source', { signal: options.signal }),
  };
}
