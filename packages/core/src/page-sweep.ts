import { z } from 'zod';
import { isNotionApiError } from './errors.js';
import type { MergePatch } from './merge-patch.js';
import { type NotionPage, notionPageSchema, notionRequest } from './page-api.js';
import type { ChildPageRef } from './page-blocks.js';
import { type DiscoveryStats, discoverPages } from './page-discovery.js';
import { compactId, expandId } from './page-ids.js';
import type { StreamContext, StreamDocument, StreamEvent } from './stream.js';

/**
 * What a page stream remembers of one page: the version it processed and, for blocks and
 * comments, the ids it captured under it. About 45 bytes of JSON per page (a 22-character
 * compact id as key, `{"t":…}`) plus 21.33 characters per packed id.
 */
export const pageEntrySchema = z.object({
  /** The page's last_edited_time when processed, in epoch minutes (0: unknown). */
  t: z.number().int().nonnegative(),
  /** Unsettled: read less than the overlap window after `t`, so an edit in that same minute may be missed: re-read when seen again. */
  u: z.literal(1).optional(),
  /** Pending: found (a child_page met in a tree) but not processed yet. */
  p: z.literal(1).optional(),
  /** The page was in the trash when processed. */
  d: z.literal(1).optional(),
  /** Packed ids (see packIds) of what the stream captured under the page: blocks or comments. */
  k: z.string().optional(),
  /** compactId of the parent page (only with `trackParents`, for pages whose parent is a page). */
  q: z.string().optional(),
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
  /** The page object, when the sweep has it (deferred listing results, pages checked by a scan). */
  page?: NotionPage | undefined;
  /** The parent page's id, when the parent is a page (known with `trackParents`). */
  parentPageId?: string | undefined;
  /**
   * new/changed: found by discovery; child: a child_page met in a tree; pending: from state;
   * scan: known but missing from a full enumeration; parent: re-read because a child page of it
   * was edited, trashed, restored or is gone (its child_page block changed, its edit time did not).
   */
  reason: 'new' | 'changed' | 'child' | 'pending' | 'scan' | 'parent';
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

export interface PageSweepHandler {
  /**
   * Optional: turns a listing result into documents at once (the pages stream: the listing
   * returns the whole page object). Return undefined to defer the page to `process` (with the
   * page object kept on the work item).
   */
  fromListing?(page: NotionPage, prior: PageEntry | undefined): PageOutcome | undefined;
  /** The expensive work for one page (block tree, comments). Handles a 404 of the page itself. */
  process(item: PageWorkItem, prior: PageEntry | undefined, signal: AbortSignal): Promise<PageOutcome>;
  /** The documents for a page that is gone (404): deletions. */
  gone(id: string, prior: PageEntry | undefined): StreamDocument[];
}

export interface PageSweepOptions {
  /** Re-read window below the cursor, for minute-rounded timestamps and search index lag. Default 2 minutes. */
  overlapMs?: number;
  /** How often a sweep enumerates every page to find deleted, trashed and unlisted ones. Default 1 hour. */
  deletionScanIntervalMs?: number;
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
   * and disappears with it, without the parent's own last_edited_time moving. (The blocks stream
   * needs this; about 30 bytes more per child page.)
   */
  trackParents?: boolean;
}

export interface PageSweepStats extends DiscoveryStats {
  listed: number;
  unchanged: number;
  processed: number;
  gone: number;
  scanned: number;
}

const MINUTE = 60_000;
const toMinutes = (iso: string | undefined): number => {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / MINUTE);
};
const fromMinutes = (t: number): string | undefined =>
  t > 0 ? new Date(t * MINUTE).toISOString() : undefined;

/** The parent page id of a page whose parent is a page. */
export function parentPageIdOf(page: NotionPage | undefined): string | undefined {
  const parent = page?.parent as { type?: string; page_id?: unknown } | undefined;
  return parent?.type === 'page_id' && typeof parent.page_id === 'string' ? parent.page_id : undefined;
}

/** True when the page object says it is in the trash. */
export function isTrashed(page: NotionPage | undefined): boolean {
  return page?.in_trash === true || page?.archived === true;
}

/** True when a page seen at `page` is the version `prior` already processed. */
export function isUnchangedPage(prior: PageEntry | undefined, page: NotionPage): boolean {
  return (
    prior !== undefined &&
    prior.p === undefined &&
    prior.u === undefined &&
    prior.t === toMinutes(page.last_edited_time) &&
    (prior.d === 1) === isTrashed(page)
  );
}

function maxIso(a: string | null | undefined, b: string | null | undefined): string | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
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
  };
}

type Settled =
  | { index: number; outcome: PageOutcome | 'unchanged'; item: PageWorkItem }
  | { index: number; error: unknown };

/**
 * One sweep of a page stream (pages, blocks, comments), crash-safe:
 *
 * 1. Discovery (see discoverPages) of the pages edited since `cursor − overlap` (since
 *    `start_date` on the first sweep and on a deletion-scan sweep, which enumerates everything).
 *    A page whose `last_edited_time` equals what `state.pages` says was processed is skipped, so
 *    the overlap and re-listings after a crash cost no per-page requests. With `fromListing`,
 *    documents are emitted straight from the listing.
 * 2. A deletion scan, every `deletionScanIntervalMs`: each known page the enumeration did not
 *    list is fetched (`GET /v1/pages/{id}`): 404 → the handler's deletions; trashed or edited →
 *    processed.
 * 3. Processing in ascending `last_edited_time` order, `concurrency` pages at once. After every
 *    `checkpointEvery` completed pages a checkpoint carries their entries and the cursor: the
 *    `last_edited_time` of the oldest page not yet done, so a crash redoes at most the pages in
 *    flight (plus a re-listing) and never skips one. child_page blocks reported by the handler
 *    that nothing else lists are processed too (persisted as pending first).
 *
 * The final checkpoint moves the cursor to the newest `last_edited_time` listed.
 */
export async function* runPageSweep(
  ctx: StreamContext,
  state: PageSweepState,
  handler: PageSweepHandler,
  options: PageSweepOptions = {},
  stats: PageSweepStats = {
    searchPages: 0,
    dataSources: 0,
    queryPages: 0,
    narrowedQueries: 0,
    listed: 0,
    unchanged: 0,
    processed: 0,
    gone: 0,
    scanned: 0,
  },
): AsyncGenerator<StreamEvent<PageSweepState>, void, undefined> {
  const overlapMs = options.overlapMs ?? 2 * MINUTE;
  const scanIntervalMs = options.deletionScanIntervalMs ?? 60 * MINUTE;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const lookahead = Math.max(concurrency, options.lookahead ?? 200);
  const checkpointEvery = Math.max(1, options.checkpointEvery ?? 1);
  const unit = options.unit ?? 'pages';
  const { logger, clock } = ctx;
  const now = clock.now();
  const startMs = Date.parse(ctx.config.start_date);
  const backfill = state.cursor === null;
  const knownKeys = Object.keys(state.pages);
  const scan =
    !backfill &&
    knownKeys.length > 0 &&
    (state.scannedAt === null || now - state.scannedAt >= scanIntervalMs);
  const lowerMs = backfill || scan ? startMs : Math.max(startMs, Date.parse(state.cursor!) - overlapMs);
  const since = Number.isNaN(lowerMs) ? undefined : new Date(lowerMs).toISOString();

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
  let lastCursor = state.cursor;
  const checkpoint = (extra: { cursor?: string | null; scannedAt?: number }): StreamEvent<PageSweepState> => {
    const pages: Record<string, Record<string, unknown> | null> = {};
    for (const [key, entry] of dirty) pages[key] = entryPatch(entry);
    dirty.clear();
    const patch: Record<string, unknown> = { pages };
    if (extra.cursor !== undefined && extra.cursor !== lastCursor) {
      patch.cursor = extra.cursor;
      lastCursor = extra.cursor;
    }
    if (extra.scannedAt !== undefined) patch.scannedAt = extra.scannedAt;
    return { checkpoint: patch as MergePatch<PageSweepState> };
  };
  const trackParents = options.trackParents === true;
  const entryFor = (
    version: NotionPage | undefined,
    lastEditedTime: string | undefined,
    k: string | undefined,
    parentPageId: string | undefined,
  ) => {
    const t = toMinutes(version?.last_edited_time ?? lastEditedTime);
    const entry: PageEntry = { t };
    if (t === 0 || clock.now() < t * MINUTE + overlapMs) entry.u = 1;
    if (isTrashed(version)) entry.d = 1;
    if (k !== undefined && k !== '') entry.k = k;
    const parent = parentPageIdOf(version) ?? parentPageId;
    if (trackParents && parent !== undefined) entry.q = compactId(parent);
    return entry;
  };

  let done = 0;
  let total: number | undefined;
  const report = () => ctx.progress?.({ unit, done, total, backfill });
  let sinceCheckpoint = 0;

  try {
    // Phase 1: discovery.
    logger.debug('page sweep: listing pages', { since, backfill, scan });
    const items: PageWorkItem[] = [];
    const inItems = new Set<string>();
    const listedKeys = scan ? new Set<string>() : undefined;
    let newest: string | null = null;
    for await (const found of discoverPages(ctx.notion, { since, logger, signal }, stats)) {
      stats.listed++;
      const at = Date.parse(found.lastEditedTime);
      if (!Number.isNaN(startMs) && at < startMs) continue;
      newest = maxIso(newest, found.lastEditedTime);
      const key = compactId(found.id);
      listedKeys?.add(key);
      const prior = known(key);
      if (isUnchangedPage(prior, found.page)) {
        stats.unchanged++;
        continue;
      }
      if (handler.fromListing) {
        const outcome = handler.fromListing(found.page, prior);
        if (outcome !== undefined) {
          for (const doc of outcome.docs) yield { doc };
          record(
            key,
            outcome.entry === null ? null : entryFor(found.page, undefined, outcome.entry.k, undefined),
          );
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
      inItems.add(key);
      items.push({
        id: found.id,
        lastEditedTime: found.lastEditedTime,
        page: handler.fromListing ? found.page : undefined,
        parentPageId: parentPageIdOf(found.page),
        reason: prior === undefined ? 'new' : 'changed',
      });
    }
    // Discovery items are the ones the cursor waits for: ascending last_edited_time.
    items.sort((a, b) => Date.parse(a.lastEditedTime!) - Date.parse(b.lastEditedTime!));
    const bound = items.length;

    // Pending child pages from an interrupted sweep, then the deletion scan.
    for (const key of knownKeys) {
      const entry = known(key);
      if (entry === undefined || inItems.has(key)) continue;
      const parentPageId = entry.q === undefined ? undefined : expandId(entry.q);
      if (entry.p === 1) {
        inItems.add(key);
        items.push({
          id: expandId(key),
          lastEditedTime: fromMinutes(entry.t),
          parentPageId,
          reason: 'pending',
        });
      } else if (listedKeys !== undefined && !listedKeys.has(key)) {
        inItems.add(key);
        stats.scanned++;
        items.push({ id: expandId(key), lastEditedTime: fromMinutes(entry.t), parentPageId, reason: 'scan' });
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

    const work = async (item: PageWorkItem): Promise<PageOutcome | 'unchanged'> => {
      const prior = known(compactId(item.id));
      if (item.reason === 'scan') {
        let page: NotionPage;
        try {
          page = await notionRequest(
            ctx.notion,
            'retrieve page',
            { path: `pages/${item.id}`, method: 'get' },
            notionPageSchema,
            signal,
          );
        } catch (error) {
          if (!isNotionApiError(error, 'object_not_found')) throw error;
          return { docs: handler.gone(item.id, prior), entry: null };
        }
        if (isUnchangedPage(prior, page)) return 'unchanged';
        item.page = page;
        item.lastEditedTime = page.last_edited_time;
      }
      return handler.process(item, prior, signal);
    };
    // Keys of items queued and not started, and of items started: a parent is re-read only when
    // its walk did not start after this sweep's listing (which saw the child's change) already.
    const queued = new Set<string>(items.map((item) => compactId(item.id)));
    const started = new Set<string>();
    const start = (index: number) => {
      const item = items[index]!;
      queued.delete(compactId(item.id));
      started.add(compactId(item.id));
      running.set(
        index,
        work(item).then(
          (outcome): Settled => ({ index, outcome, item }),
          (error: unknown): Settled => ({ index, error }),
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
        if ('error' in settled) throw settled.error;
        const { index, outcome, item } = settled;
        const key = compactId(item.id);
        if (outcome !== 'unchanged') {
          for (const doc of outcome.docs) yield { doc };
          const prior = known(key);
          const entry =
            outcome.entry === null
              ? null
              : entryFor(outcome.page ?? item.page, item.lastEditedTime, outcome.entry.k, item.parentPageId);
          if (entry === null) stats.gone++;
          record(key, entry);
          stats.processed++;
          const parentKey = prior?.q ?? entry?.q;
          if (
            trackParents &&
            parentKey !== undefined &&
            prior !== undefined &&
            (entry === null || entry.t !== prior.t || (entry.d === 1) !== (prior.d === 1)) &&
            !queued.has(parentKey) &&
            !started.has(parentKey)
          ) {
            const parentEntry = known(parentKey);
            if (parentEntry !== undefined && parentEntry.d !== 1) {
              queued.add(parentKey);
              items.push({
                id: expandId(parentKey),
                lastEditedTime: fromMinutes(parentEntry.t),
                parentPageId: parentEntry.q === undefined ? undefined : expandId(parentEntry.q),
                reason: 'parent',
              });
              record(parentKey, { ...parentEntry, p: 1 });
              total = (total ?? 0) + 1;
            }
          }
          for (const child of outcome.childPages ?? []) {
            const childKey = compactId(child.id);
            if (inItems.has(childKey) || known(childKey) !== undefined) continue;
            if (child.lastEditedTime !== undefined && Date.parse(child.lastEditedTime) < startMs) continue;
            inItems.add(childKey);
            queued.add(childKey);
            items.push({
              id: child.id,
              lastEditedTime: child.lastEditedTime,
              parentPageId: item.id,
              reason: 'child',
            });
            const pending: PageEntry = { t: toMinutes(child.lastEditedTime), p: 1 };
            if (trackParents) pending.q = key;
            record(childKey, pending);
            total = (total ?? 0) + 1;
          }
        }
        finished[index] = true;
        while (finished[oldestOpen]) oldestOpen++;
        while (boundOpen < bound && finished[boundOpen]) boundOpen++;
        done++;
        if (++sinceCheckpoint >= checkpointEvery) {
          sinceCheckpoint = 0;
          const cursor = boundOpen < bound ? items[boundOpen]!.lastEditedTime : newest;
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
      maxIso(state.cursor, newest) ?? (Number.isNaN(startMs) ? null : new Date(startMs).toISOString());
    yield checkpoint({ cursor, ...(backfill || scan ? { scannedAt: now } : {}) });
    report();
    logger.info('page sweep done', { ...stats, backfill, scan });
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
