import type { Clock } from './clock.js';
import type { NotionClient } from './notion-client.js';
import {
  type DiscoveredPage,
  type DiscoverPagesOptions,
  type DiscoveryStats,
  discoverPages,
} from './page-discovery.js';

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
   * sweep must not move its cursor past floorMinute(startedAt).
   */
  startedAt: number;
  /** True when these results replay a listing another caller started. */
  shared: boolean;
  pages: AsyncIterable<DiscoveredPage>;
}

/**
 * What the page streams (pages, blocks, comments) of one capture share, so that a page found by
 * one is captured by all and the listing is paid once:
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
}

export interface PageHubOptions {
  clock: Clock;
  /** How long a finished listing may be replayed. Default 60 s. */
  reuseWindowMs?: number;
  /** Page objects each listing keeps regardless of readers. Default 1,000. */
  retainedPageObjects?: number;
}

interface Consumer {
  position: number;
  needsPageObjects: boolean;
}

interface Run {
  sinceMs: number;
  searchSinceMs: number;
  startedAt: number;
  entries: DiscoveredPage[];
  /** Entries below this index had their page objects dropped (or were checked). */
  prunedTo: number;
  consumers: Set<Consumer>;
  done: boolean;
  failed: boolean;
  error?: unknown;
  finishedAt: number;
  controller: AbortController;
  waiters: Array<() => void>;
}

const boundMs = (iso: string | undefined): number => {
  if (iso === undefined) return Number.NEGATIVE_INFINITY;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
};

/** A process-wide hub for the page streams of one capture (see PageHub). */
export function createPageHub(options: PageHubOptions): PageHub {
  const { clock } = options;
  const reuseWindowMs = options.reuseWindowMs ?? 60_000;
  const retained = Math.max(0, options.retainedPageObjects ?? 1_000);
  const published = new Map<string, HubPage>();
  let runs: Run[] = [];

  const wake = (run: Run) => {
    const waiters = run.waiters;
    run.waiters = [];
    for (const resolve of waiters) resolve();
  };

  /** Drops page objects no attached reader that needs them will read any more. */
  const prune = (run: Run) => {
    let limit = run.entries.length;
    for (const consumer of run.consumers) {
      if (consumer.needsPageObjects) limit = Math.min(limit, consumer.position);
    }
    for (let i = Math.max(run.prunedTo, retained); i < limit; i++) {
      const entry = run.entries[i]!;
      if (entry.page !== undefined) run.entries[i] = { ...entry, page: undefined };
    }
    run.prunedTo = Math.max(run.prunedTo, limit);
  };

  const detach = (run: Run, consumer: Consumer) => {
    run.consumers.delete(consumer);
    if (!run.done && run.consumers.size === 0) {
      // Nobody reads it any more: stop listing, and never replay a partial listing.
      run.failed = true;
      run.controller.abort(new Error('page discovery abandoned by every reader'));
      runs = runs.filter((r) => r !== run);
    } else {
      prune(run);
    }
  };

  const start = (notion: NotionClient, request: PageDiscoveryRequest, stats?: DiscoveryStats): Run => {
    const run: Run = {
      sinceMs: boundMs(request.since),
      searchSinceMs: boundMs(request.searchSince ?? request.since),
      startedAt: clock.now(),
      entries: [],
      prunedTo: 0,
      consumers: new Set(),
      done: false,
      failed: false,
      finishedAt: 0,
      controller: new AbortController(),
      waiters: [],
    };
    const { signal: _callerSignal, ...rest } = request;
    const listing = discoverPages(notion, { ...rest, clock, signal: run.controller.signal }, stats);
    void (async () => {
      try {
        for await (const found of listing) {
          const index = run.entries.length;
          const keep =
            index < retained || [...run.consumers].some((c) => c.needsPageObjects && c.position <= index);
          run.entries.push(keep ? found : { ...found, page: undefined });
          wake(run);
        }
      } catch (error) {
        run.error = error;
        run.failed = true;
        runs = runs.filter((r) => r !== run);
      } finally {
        run.done = true;
        run.finishedAt = clock.now();
        prune(run);
        wake(run);
      }
    })();
    return run;
  };

  async function* read(
    run: Run,
    consumer: Consumer,
    fromMs: number,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<DiscoveredPage, void, undefined> {
    try {
      for (;;) {
        while (consumer.position < run.entries.length) {
          const entry = run.entries[consumer.position++]!;
          if (consumer.position % 100 === 0) prune(run);
          if (Date.parse(entry.lastEditedTime) >= fromMs) yield entry;
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
      detach(run, consumer);
    }
  }

  return {
    publishPages(pages) {
      for (const page of pages) published.set(page.id, page);
    },
    publishedPages: () => [...published.values()],
    discover(notion, request, stats) {
      const now = clock.now();
      runs = runs.filter((run) => !run.failed && (!run.done || now - run.finishedAt <= reuseWindowMs));
      const sinceMs = boundMs(request.since);
      const searchSinceMs = boundMs(request.searchSince ?? request.since);
      let run = runs.find((r) => r.sinceMs <= sinceMs && r.searchSinceMs <= searchSinceMs);
      const shared = run !== undefined;
      if (run === undefined) {
        run = start(notion, request, stats);
        runs.push(run);
      }
      const consumer: Consumer = { position: 0, needsPageObjects: request.needsPageObjects === true };
      run.consumers.add(consumer);
      return {
        startedAt: run.startedAt,
        shared,
        pages: read(run, consumer, Math.min(sinceMs, searchSinceMs), request.signal),
      };
    },
  };
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
