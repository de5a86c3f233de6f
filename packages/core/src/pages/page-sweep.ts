import { z } from 'zod';
import { NotionApiError, ResponseValidationError } from '../errors.js';
import type { MergePatch } from '../merge-patch.js';
import { compactId, expandId } from '../notion-ids.js';
import type { StreamContext, StreamDocument, StreamEvent } from '../stream.js';
import type { SharedChildPage as HubPage } from './child-pages.js';
import type { DiscoveryStats } from './discovery.js';
import { startPageDiscovery } from './page-listings.js';
import { isTrashed, type NotionPage, parentPageIdOf, retrievePage } from './page-objects.js';
import type { ChildPageRef } from './walk-page-blocks.js';

/**
 * What a page stream remembers of one page: the version it processed and, for blocks and
 * comments, the ids it captured under it. About 45 bytes of JSON per page (a 22-character
 * compact id as key, `{"t":…}`) plus 21.33 characters per packed id.
 */
export const pageEntrySchema = z.object({
  /** The page's last_edited_time when processed, in epoch minutes (0: unknown). */
  t: z.number().int().nonnegative(),
  /**
   * Unsettled: its data was read less than the overlap window after `t`, so an edit later in that
   * same minute may be missing: re-read when seen again.
   */
  u: z.literal(1).optional(),
  /**
   * Pending: to process on the next sweep whatever its time: a child_page met in a tree, a page
   * whose processing failed, a parent to re-read, a page due for a full refresh.
   */
  p: z.literal(1).optional(),
  /** The page was in the trash when processed. */
  d: z.literal(1).optional(),
  /** Packed ids (see packIds) of what the stream captured under the page: blocks or comments. */
  k: z.string().optional(),
  /** compactId of the parent page (only with `trackParents`, for pages whose parent is a page). */
  q: z.string().optional(),
  /** Hidden: found only as a child_page block (discovery did not list it); shared through the PageHub. */
  h: z.literal(1).optional(),
});
export type PageEntry = z.output<typeof pageEntrySchema>;

/** The state shared by the pages, blocks and comments streams (each keeps its own copy). */
export const pageSweepStateSchema = z.object({
  /** State version: a different version does not parse, which means a fresh backfill. */
  v: z.literal(1),
  /** last_edited_time (ISO) below which every page has been processed; null before the first sweep. */
  cursor: z.string().nullable(),
  /** When (the connector's clock, epoch ms) the last full enumeration compared every known page. */
  scannedAt: z.number().nullable(),
  /** When (epoch ms) the last full refresh (`refreshIntervalMs`) marked every known page for processing. */
  refreshedAt: z.number().nullable().optional(),
  /** Known pages by compactId. */
  pages: z.record(z.string(), pageEntrySchema),
});
export type PageSweepState = z.output<typeof pageSweepStateSchema>;

export function initialPageSweepState(): PageSweepState {
  return { v: 1, cursor: null, scannedAt: null, pages: {} };
}

/** A page to process in the second phase of a sweep. */
export interface PageWorkItem {
  id: string;
  /** The version to process; undefined when unknown (a pending page from older state). */
  lastEditedTime: string | undefined;
  /** The page object, when the sweep has it (the pages stream's listing results, pages checked by a scan). */
  page?: NotionPage | undefined;
  /** The page is in the trash, as far as the sweep knows (listing, scan, or the state of a pending page). */
  trashed: boolean;
  /** The parent page's id, when the parent is a page (known with `trackParents`). */
  parentPageId?: string | undefined;
  /**
   * When (clock ms) the data the handler works from was read: the listing's time for a page object
   * taken from it, else set when processing starts (before the handler's first request). Decides
   * `u` (unsettled).
   */
  readAt?: number | undefined;
  /**
   * new/changed: found by discovery; child: a child_page met in a tree (or published on the
   * PageHub); pending: from state; scan: known but missing from a full enumeration; parent:
   * re-read because a child page of it was edited, trashed, restored or is gone (its child_page
   * block changed, its edit time did not).
   */
  reason: 'new' | 'changed' | 'child' | 'pending' | 'scan' | 'parent';
  /**
   * With reason 'parent': the child pages (ids) whose edit, trash, restore or disappearance queued
   * it. Their child_page blocks, at the top level of this page's tree, are what changed: the
   * parent's own last_edited_time did not move, so the rest of its tree is as it was processed.
   */
  childChanges?: string[] | undefined;
}

export interface PageOutcome {
  docs: StreamDocument[];
  /** What to remember of the page (`k`), or null to forget it (it is gone). */
  entry: { k?: string | undefined } | null;
  /** The page version actually processed, when the handler fetched it itself. */
  page?: NotionPage | undefined;
  /** child_page blocks met: captured as pages of their own when nothing else finds them. */
  childPages?: ChildPageRef[] | undefined;
}

/** The sweep's current view of the state (persisted entries overlaid with this sweep's). */
export interface PageSweepView {
  entry(key: string): PageEntry | undefined;
  /** Every known page (compactId, entry). */
  entries(): IterableIterator<[string, PageEntry]>;
}

export interface PageSweepHandler {
  /**
   * Optional: turns a listing result into documents at once (the pages stream: the listing
   * returns the whole page object). Return undefined to defer the page to `process` (with the
   * page object kept on the work item).
   */
  fromListing?(page: NotionPage, prior: PageEntry | undefined): PageOutcome | undefined;
  /** The expensive work for one page (block tree, comments). Handles a 404 of the page itself. */
  process(
    item: PageWorkItem,
    prior: PageEntry | undefined,
    signal: AbortSignal,
    view: PageSweepView,
  ): Promise<PageOutcome>;
  /** The documents for a page that is gone (404): deletions. */
  gone(id: string, prior: PageEntry | undefined): StreamDocument[];
  /**
   * Errors that must fail the sweep although isPageScopedError says otherwise (e.g. a 403 of the
   * comments endpoint: a capability the integration lacks, not a page it cannot read).
   */
  isFatal?(error: unknown): boolean;
}

export interface PageSweepOptions {
  /** Re-read window below the cursor for data source queries (minute-rounded timestamps). Default 2 minutes. */
  overlapMs?: number;
  /**
   * Re-read window below the cursor for search, which lags behind edits. Default 15 minutes: cheap,
   * since search is sorted newest first and stops at the bound, and pages already processed at the
   * listed version are skipped without a request.
   */
  searchOverlapMs?: number;
  /** How often a sweep enumerates every page to find deleted, trashed and unlisted ones. Default 1 hour. */
  deletionScanIntervalMs?: number;
  /**
   * How often every known page (not in the trash) is processed again whatever its
   * last_edited_time says: for what changes without moving it (comments). Undefined (default):
   * never. Costs one `process` per known page per interval.
   */
  refreshIntervalMs?: number | undefined;
  /** Pages processed at once. Default 8. */
  concurrency?: number;
  /** How far (in pages) processing may run ahead of the oldest unfinished page. Default 200. */
  lookahead?: number;
  /** Pages completed per checkpoint. Default 1. */
  checkpointEvery?: number;
  /** Progress unit. Default 'pages'. */
  unit?: string;
  /**
   * Remember each page's parent page, and re-process the parent when a known page is edited,
   * trashed, restored or gone: the parent's child_page block shows the child's title and edit time,
   * and disappears with it, without the parent's own last_edited_time moving. The parent is queued
   * once (reason 'parent'), its `childChanges` naming the children that queued it. (The blocks
   * stream needs this; about 30 bytes more per child page.)
   */
  trackParents?: boolean;
}

export interface PageSweepStats extends DiscoveryStats {
  listed: number;
  unchanged: number;
  processed: number;
  gone: number;
  scanned: number;
  /** Pages whose processing failed with a page-scoped error: left pending for the next sweep. */
  failed: number;
  /** Pages taken from the PageHub's published child pages. */
  fromHub: number;
  /** True when the listing replayed another stream's (PageHub). */
  sharedListing: boolean;
}

export function emptyPageSweepStats(): PageSweepStats {
  return {
    searchPages: 0,
    dataSources: 0,
    queryPages: 0,
    narrowedQueries: 0,
    listed: 0,
    unchanged: 0,
    processed: 0,
    gone: 0,
    scanned: 0,
    failed: 0,
    fromHub: 0,
    sharedListing: false,
  };
}

const MINUTE = 60_000;
const toMinutes = (iso: string | undefined): number => {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / MINUTE);
};
const fromMinutes = (t: number): string | undefined =>
  t > 0 ? new Date(t * MINUTE).toISOString() : undefined;

/** True when a page seen at `lastEditedTime` (trashed or not) is the version `prior` already processed. */
export function isUnchangedPage(
  prior: PageEntry | undefined,
  lastEditedTime: string | undefined,
  trashed: boolean,
): boolean {
  return (
    prior !== undefined &&
    prior.p === undefined &&
    prior.u === undefined &&
    prior.t !== 0 &&
    prior.t === toMinutes(lastEditedTime) &&
    (prior.d === 1) === trashed
  );
}

/**
 * Whether a failure concerns one page only, so the sweep goes on without it (it stays pending and
 * is retried next sweep): a response that does not parse, or a non-retryable 400
 * validation_error or 403 restricted_resource. Anything else fails the sweep: 401, a blocked
 * integration (`public_api_request_blocked`), exhausted retries, aborts, bugs.
 */
export function isPageScopedError(error: unknown): boolean {
  if (error instanceof ResponseValidationError) return true;
  if (!(error instanceof NotionApiError) || error.isRetryable) return false;
  if (error.rateLimitReason === 'public_api_request_blocked') return false;
  return (
    (error.status === 400 && error.code === 'validation_error') ||
    (error.status === 403 && error.code === 'restricted_resource')
  );
}

function maxIso(a: string | null | undefined, b: string | null | undefined): string | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function minIso(a: string | null | undefined, b: string): string | null {
  if (a == null) return null;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/** A merge patch replacing an entry whole (absent members deleted). */
function entryPatch(entry: PageEntry | null): Record<string, unknown> | null {
  if (entry === null) return null;
  return {
    t: entry.t,
    u: entry.u ?? null,
    p: entry.p ?? null,
    d: entry.d ?? null,
    k: entry.k ?? null,
    q: entry.q ?? null,
    h: entry.h ?? null,
  };
}

type Settled =
  | { index: number; item: PageWorkItem; outcome: PageOutcome | 'unchanged' }
  | { index: number; item: PageWorkItem; error: unknown };

/**
 * One sweep of a page stream (pages, blocks, comments), crash-safe:
 *
 * 1. Discovery (see discoverPages; shared with the other page streams through `ctx.pageHub`) of
 *    the pages edited since `cursor − overlap` (search: `cursor − searchOverlap`; everything
 *    since `start_date` on the first sweep and on a deletion-scan sweep). A page whose
 *    `last_edited_time` and trash flag equal what `state.pages` says was processed is skipped,
 *    so the overlap and re-listings after a crash cost no per-page requests. With `fromListing`,
 *    documents are emitted straight from the listing.
 * 2. Pending pages from state (child pages, failed pages, parents, a full refresh), pages the
 *    PageHub published that this stream does not know, and a deletion scan every
 *    `deletionScanIntervalMs`: each known page the enumeration did not list is fetched
 *    (`GET /v1/pages/{id}`): 404 → the handler's deletions; trashed or edited → processed.
 * 3. Processing in ascending `last_edited_time` order, `concurrency` pages at once. After every
 *    `checkpointEvery` completed pages a checkpoint carries their entries and the cursor: the
 *    `last_edited_time` of the oldest listed page not yet done, so a crash redoes at most the
 *    pages in flight (plus a re-listing) and never skips one. child_page blocks reported by the
 *    handler that nothing else lists are processed too (persisted as pending first) and published
 *    on the PageHub. A page whose processing fails with a page-scoped error (isPageScopedError)
 *    is logged, left pending, and retried next sweep.
 *
 * The final checkpoint moves the cursor to the newest `last_edited_time` listed, but never past
 * the minute the listing started in: an edit made while the listing ran may not be in it.
 */
export async function* runPageSweep(
  ctx: StreamContext,
  state: PageSweepState,
  handler: PageSweepHandler,
  options: PageSweepOptions = {},
  stats: PageSweepStats = emptyPageSweepStats(),
): AsyncGenerator<StreamEvent<PageSweepState>, void, undefined> {
  const overlapMs = options.overlapMs ?? 2 * MINUTE;
  const searchOverlapMs = Math.max(overlapMs, options.searchOverlapMs ?? 15 * MINUTE);
  const scanIntervalMs = options.deletionScanIntervalMs ?? 60 * MINUTE;
  const refreshIntervalMs = options.refreshIntervalMs;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const lookahead = Math.max(concurrency, options.lookahead ?? 200);
  const checkpointEvery = Math.max(1, options.checkpointEvery ?? 1);
  const unit = options.unit ?? 'pages';
  const trackParents = options.trackParents === true;
  const { logger, clock } = ctx;
  const hub = ctx.hub;
  const now = clock.now();
  const startMs = Date.parse(ctx.config.start_date);
  const backfill = state.cursor === null;
  const knownKeys = Object.keys(state.pages);
  const scan =
    !backfill &&
    knownKeys.length > 0 &&
    (state.scannedAt === null || now - state.scannedAt >= scanIntervalMs);
  const refresh =
    refreshIntervalMs !== undefined &&
    !backfill &&
    (state.refreshedAt == null || now - state.refreshedAt >= refreshIntervalMs);
  const bound = (overlap: number): string | undefined => {
    const ms = backfill || scan ? startMs : Math.max(startMs, Date.parse(state.cursor!) - overlap);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  };
  const since = bound(overlapMs);
  const searchSince = bound(searchOverlapMs);

  const controller = new AbortController();
  const onAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) controller.abort(ctx.signal.reason);
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  const signal = controller.signal;

  // Entries changed by this sweep (null: removed), and those not yet in a checkpoint.
  const updates = new Map<string, PageEntry | null>();
  const dirty = new Map<string, PageEntry | null>();
  const known = (key: string): PageEntry | undefined =>
    updates.has(key) ? (updates.get(key) ?? undefined) : state.pages[key];
  const record = (key: string, entry: PageEntry | null) => {
    updates.set(key, entry);
    dirty.set(key, entry);
  };
  const view: PageSweepView = {
    entry: known,
    *entries() {
      for (const [key, entry] of Object.entries(state.pages)) {
        if (!updates.has(key)) yield [key, entry];
      }
      for (const [key, entry] of updates) if (entry !== null) yield [key, entry];
    },
  };
  let lastCursor = state.cursor;
  const checkpoint = (extra: {
    cursor?: string | null;
    scannedAt?: number;
    refreshedAt?: number;
  }): StreamEvent<PageSweepState> => {
    const pages: Record<string, Record<string, unknown> | null> = {};
    for (const [key, entry] of dirty) pages[key] = entryPatch(entry);
    dirty.clear();
    const patch: Record<string, unknown> = { pages };
    if (extra.cursor !== undefined && extra.cursor !== lastCursor) {
      patch.cursor = extra.cursor;
      lastCursor = extra.cursor;
    }
    if (extra.scannedAt !== undefined) patch.scannedAt = extra.scannedAt;
    if (extra.refreshedAt !== undefined) patch.refreshedAt = extra.refreshedAt;
    return { checkpoint: patch as MergePatch<PageSweepState> };
  };
  const entryFor = (
    item: Pick<PageWorkItem, 'lastEditedTime' | 'trashed' | 'parentPageId' | 'readAt' | 'reason'>,
    version: NotionPage | undefined,
    k: string | undefined,
    prior: PageEntry | undefined,
  ) => {
    const t = toMinutes(version?.last_edited_time ?? item.lastEditedTime);
    const entry: PageEntry = { t };
    const readAt = item.readAt ?? clock.now();
    if (t === 0 || readAt < t * MINUTE + overlapMs) entry.u = 1;
    if (version === undefined ? item.trashed : isTrashed(version)) entry.d = 1;
    if (k !== undefined && k !== '') entry.k = k;
    const parent = parentPageIdOf(version) ?? item.parentPageId;
    if (trackParents && parent !== undefined) entry.q = compactId(parent);
    const listed = item.reason === 'new' || item.reason === 'changed';
    if (item.reason === 'child' || (!listed && prior?.h === 1)) entry.h = 1;
    return entry;
  };

  let done = 0;
  let total: number | undefined;
  const report = () => ctx.progress?.({ unit, done, total, backfill });
  let sinceCheckpoint = 0;
  let listingStartedAt = now;

  try {
    // A full refresh marks every known page pending (committed first: a crash resumes it).
    if (refresh) {
      for (const key of knownKeys) {
        const entry = state.pages[key]!;
        if (entry.d !== 1 && entry.p !== 1) record(key, { ...entry, p: 1 });
      }
      logger.info('page sweep: full refresh of every known page', { pages: dirty.size });
      yield checkpoint({ refreshedAt: now });
    }
    // Pages this stream found only as child_page blocks: for the other page streams.
    if (hub) {
      const hidden: HubPage[] = [];
      for (const [key, entry] of view.entries()) {
        if (entry.h !== 1 || entry.d === 1) continue;
        hidden.push({
          id: expandId(key),
          lastEditedTime: fromMinutes(entry.t),
          parentPageId: entry.q === undefined ? undefined : expandId(entry.q),
        });
      }
      hub.childPages.publish(hidden);
    }

    // Phase 1: discovery.
    logger.debug('page sweep: listing pages', { since, searchSince, backfill, scan, refresh });
    // Finished items below the oldest open one are cleared (see phase 2).
    const items: Array<PageWorkItem | undefined> = [];
    /** Pages in `items`, by compactId: queued, started or done. */
    const status = new Map<string, 'queued' | 'started' | 'done'>();
    const listedKeys = scan ? new Set<string>() : undefined;
    let newest: string | null = null;
    const request = { since, searchSince, logger, signal, clock };
    const discovery = hub
      ? hub.pageListings.discover(
          ctx.notion,
          { ...request, needsPageObjects: handler.fromListing !== undefined },
          stats,
        )
      : startPageDiscovery(ctx.notion, request, stats);
    stats.sharedListing = discovery.shared;
    for await (const found of discovery.pages) {
      stats.listed++;
      const at = Date.parse(found.lastEditedTime);
      if (!Number.isNaN(startMs) && at < startMs) continue;
      newest = maxIso(newest, found.lastEditedTime);
      const key = compactId(found.id);
      listedKeys?.add(key);
      const prior = known(key);
      if (isUnchangedPage(prior, found.lastEditedTime, found.trashed)) {
        stats.unchanged++;
        continue;
      }
      if (status.has(key)) continue;
      const item: PageWorkItem = {
        id: found.id,
        lastEditedTime: found.lastEditedTime,
        page: handler.fromListing ? found.page : undefined,
        trashed: found.trashed,
        parentPageId: found.parentPageId,
        readAt: handler.fromListing && found.page ? found.readAt : undefined,
        reason: prior === undefined ? 'new' : 'changed',
      };
      if (handler.fromListing && found.page) {
        const outcome = handler.fromListing(found.page, prior);
        if (outcome !== undefined) {
          for (const doc of outcome.docs) yield { doc };
          record(key, outcome.entry === null ? null : entryFor(item, found.page, outcome.entry.k, prior));
          stats.processed++;
          done++;
          if (++sinceCheckpoint >= checkpointEvery) {
            sinceCheckpoint = 0;
            yield checkpoint({});
            report();
          }
          continue;
        }
      }
      status.set(key, 'queued');
      items.push(item);
    }
    // Final now that the listing is read (a shared data source listing may have started earlier).
    listingStartedAt = discovery.startedAt;
    // Discovery items are the ones the cursor waits for: ascending last_edited_time.
    items.sort((a, b) => Date.parse(a!.lastEditedTime!) - Date.parse(b!.lastEditedTime!));
    const boundCount = items.length;
    // The cursor never passes the minute the listing (or this sweep) started in.
    const capIso = new Date(Math.floor(Math.min(now, listingStartedAt) / MINUTE) * MINUTE).toISOString();

    // Pending pages (child pages, failures, parents, refresh), then the deletion scan.
    for (const key of knownKeys) {
      const entry = known(key);
      if (entry === undefined || status.has(key)) continue;
      const base = {
        id: expandId(key),
        lastEditedTime: fromMinutes(entry.t),
        trashed: entry.d === 1,
        parentPageId: entry.q === undefined ? undefined : expandId(entry.q),
      };
      if (entry.p === 1) {
        status.set(key, 'queued');
        items.push({ ...base, reason: 'pending' });
      } else if (listedKeys !== undefined && !listedKeys.has(key)) {
        status.set(key, 'queued');
        stats.scanned++;
        items.push({ ...base, reason: 'scan' });
      }
    }
    // Child pages other streams met that this one does not know.
    const addChild = (child: HubPage, parentKey: string | undefined): boolean => {
      const childKey = compactId(child.id);
      if (status.has(childKey) || known(childKey) !== undefined) return false;
      if (child.lastEditedTime !== undefined && Date.parse(child.lastEditedTime) < startMs) return false;
      status.set(childKey, 'queued');
      items.push({
        id: child.id,
        lastEditedTime: child.lastEditedTime,
        trashed: false,
        parentPageId: child.parentPageId,
        reason: 'child',
      });
      const pending: PageEntry = { t: toMinutes(child.lastEditedTime), p: 1, h: 1 };
      const parent =
        parentKey ?? (child.parentPageId === undefined ? undefined : compactId(child.parentPageId));
      if (trackParents && parent !== undefined) pending.q = parent;
      record(childKey, pending);
      return true;
    };
    if (hub) {
      for (const child of hub.childPages.list()) if (addChild(child, undefined)) stats.fromHub++;
      if (stats.fromHub > 0) {
        logger.info('page sweep: capturing child pages other streams found', { pages: stats.fromHub });
        yield checkpoint({});
      }
    }
    total = done + items.length;
    report();

    // Phase 2: process, oldest first.
    const finished: boolean[] = [];
    let oldestOpen = 0; // lowest index not finished
    let boundOpen = 0; // lowest bound (discovery) index not finished
    let next = 0;
    const running = new Map<number, Promise<Settled>>();
    /** Parents queued for a re-read because a child page of theirs changed (reason 'parent'). */
    const parentItems = new Map<string, PageWorkItem>();

    const work = async (item: PageWorkItem): Promise<PageOutcome | 'unchanged'> => {
      const prior = known(compactId(item.id));
      // What the handler reads from now on is no older than this.
      if (item.page === undefined) item.readAt = clock.now();
      if (item.reason === 'scan') {
        const page = await retrievePage(ctx.notion, item.id, signal);
        if (page === undefined) return { docs: handler.gone(item.id, prior), entry: null };
        if (isUnchangedPage(prior, page.last_edited_time, isTrashed(page))) return 'unchanged';
        item.page = page;
        item.lastEditedTime = page.last_edited_time;
        item.trashed = isTrashed(page);
      }
      return handler.process(item, prior, signal, view);
    };
    const start = (index: number) => {
      const item = items[index]!;
      status.set(compactId(item.id), 'started');
      running.set(
        index,
        work(item).then(
          (outcome): Settled => ({ index, item, outcome }),
          (error: unknown): Settled => ({ index, item, error }),
        ),
      );
    };

    try {
      for (;;) {
        while (running.size < concurrency && next < items.length && next < oldestOpen + lookahead)
          start(next++);
        if (running.size === 0) break;
        const settled = await Promise.race(running.values());
        running.delete(settled.index);
        const { index, item } = settled;
        const key = compactId(item.id);
        status.set(key, 'done');
        const prior = known(key);
        if ('error' in settled) {
          const { error } = settled;
          if (signal.aborted || !isPageScopedError(error) || handler.isFatal?.(error) === true) throw error;
          stats.failed++;
          logger.warn('could not process a page; capturing the others and retrying it next sweep', {
            pageId: item.id,
            requestId: (error as { requestId?: string }).requestId,
            operation: (error as { operation?: string }).operation,
            error: error instanceof Error ? error.message : String(error),
          });
          const retry: PageEntry = {
            ...prior,
            t: toMinutes(item.lastEditedTime) || prior?.t || 0,
            p: 1,
          };
          if (item.trashed) retry.d = 1;
          else delete retry.d;
          record(key, retry);
        } else if (settled.outcome !== 'unchanged') {
          const { outcome } = settled;
          for (const doc of outcome.docs) yield { doc };
          const entry =
            outcome.entry === null ? null : entryFor(item, outcome.page ?? item.page, outcome.entry.k, prior);
          if (entry === null) stats.gone++;
          record(key, entry);
          stats.processed++;
          const parentKey = prior?.q ?? entry?.q;
          if (
            trackParents &&
            parentKey !== undefined &&
            prior !== undefined &&
            (entry === null || entry.t !== prior.t || (entry.d === 1) !== (prior.d === 1))
          ) {
            const queuedParent = parentItems.get(parentKey);
            const parentEntry = known(parentKey);
            if (queuedParent !== undefined && status.get(parentKey) === 'queued') {
              queuedParent.childChanges?.push(item.id);
            } else if (!status.has(parentKey) && parentEntry !== undefined && parentEntry.d !== 1) {
              status.set(parentKey, 'queued');
              const parentItem: PageWorkItem = {
                id: expandId(parentKey),
                lastEditedTime: fromMinutes(parentEntry.t),
                trashed: false,
                parentPageId: parentEntry.q === undefined ? undefined : expandId(parentEntry.q),
                reason: 'parent',
                childChanges: [item.id],
              };
              items.push(parentItem);
              parentItems.set(parentKey, parentItem);
              record(parentKey, { ...parentEntry, p: 1 });
              total = (total ?? 0) + 1;
            }
          }
          const published: HubPage[] = [];
          for (const child of outcome.childPages ?? []) {
            const ref: HubPage = {
              id: child.id,
              lastEditedTime: child.lastEditedTime,
              parentPageId: item.id,
            };
            if (!addChild(ref, key)) continue;
            published.push(ref);
            total = (total ?? 0) + 1;
          }
          if (published.length > 0) hub?.childPages.publish(published);
        }
        finished[index] = true;
        // Nothing reads an item below the oldest open one again (boundOpen is never above
        // oldestOpen while below boundCount): let it go rather than hold every page of the sweep.
        while (finished[oldestOpen]) items[oldestOpen++] = undefined;
        while (boundOpen < boundCount && finished[boundOpen]) boundOpen++;
        done++;
        if (++sinceCheckpoint >= checkpointEvery) {
          sinceCheckpoint = 0;
          const cursor = minIso(boundOpen < boundCount ? items[boundOpen]!.lastEditedTime : newest, capIso);
          yield checkpoint({ cursor: maxIso(state.cursor, cursor) });
          report();
        }
      }
    } finally {
      if (running.size > 0) {
        controller.abort(new Error('page sweep stopped'));
        await Promise.allSettled(running.values());
      }
    }

    const cursor =
      maxIso(state.cursor, minIso(newest, capIso)) ??
      (Number.isNaN(startMs) ? null : new Date(startMs).toISOString());
    yield checkpoint({
      cursor,
      ...(backfill || scan ? { scannedAt: now } : {}),
      ...(backfill && refreshIntervalMs !== undefined ? { refreshedAt: now } : {}),
    });
    report();
    logger.info('page sweep done', { ...stats, backfill, scan, refresh });
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
