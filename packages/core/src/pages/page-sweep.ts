/**
 * The page engine: one sweep of a page stream (pages, blocks, comments). A stream gives it a
 * handler (what to do with one page); the engine decides which pages, in what order, and what
 * the stream's state remembers. Its parts, in reading order:
 *
 * - `sweep-handler.ts`: what a stream implements (PageSweepHandler) and gets (PageWorkItem,
 *   PageRecord through PageSweepView); start here when reading a stream.
 * - `page-sweep.ts` (this file): runPageSweep, the sweep as a sequence of named steps.
 * - `sweep-plan.ts`: what a sweep does: backfill, deletion scan, full refresh, listing bounds.
 * - `page-state.ts`: the persisted state (the only module that knows its short keys), PageRecord
 *   (one page, read on access) and PageLedger (the state during a sweep, and what is unsaved).
 * - `sweep-listing.ts`: phase 1: the listing, the pages from state, shared child pages.
 * - `work-queue.ts`: phase 2's scheduler: concurrency, lookahead, the oldest open page.
 * - `sweep-processing.ts`: phase 2: processing each page and applying its outcome;
 *   `parent-tracking.ts`: re-reading a parent whose child page changed.
 * - `checkpoint.ts`: checkpoints (changed records and the cursor) and progress.
 * - `sweep-run.ts`: the parts a running sweep's steps share; stats.
 *
 * Around it: `discovery.ts` and `data-source-query.ts` (finding changed pages), `capture-hub.ts`
 * (what the streams of one capture share: `page-listings.ts`, `data-source-listings.ts`,
 * `child-pages.ts`, over `shared-listing.ts`), `walk-page-blocks.ts` (block trees) and
 * `page-objects.ts` (the page object, retrievePage).
 */
import type { StreamContext, StreamEvent } from '../stream.js';
import { createFoundPages } from './found-pages.js';
import { PageLedger, type PageSweepState } from './page-state.js';
import { climbNoted } from './sweep-found.js';
import type { PageSweepHandler } from './sweep-handler.js';
import { listChangedPages, queueKnownPages } from './sweep-listing.js';
import { type PageSweepOptions, planSweep, type SweepPlan } from './sweep-plan.js';
import { processQueue } from './sweep-processing.js';
import {
  emptyPageSweepStats,
  newSweepRun,
  type PageSweepStats,
  requestCounts,
  type SweepRun,
} from './sweep-run.js';
import { runTargetedSweep } from './targeted-sweep.js';

/**
 * One sweep of a page stream, crash-safe:
 *
 * 1. A full refresh, when due, marks every known page pending (committed first: a crash resumes
 *    it). The sweep joins the capture's found-pages channel (the hub's; without a hub, its own),
 *    where the pages this stream found only as child_page blocks (its state) are remembered.
 * 2. Listing (listChangedPages): the pages edited since `cursor − overlap` (search:
 *    `cursor − searchOverlap`; everything since `start_date` on the first sweep and on a
 *    deletion-scan sweep), skipping those processed at the listed version.
 * 3. Queueing the pages from state (pending ones; on a deletion scan every `deletionScanIntervalMs`
 *    (stretched to its budget share), each known page the listing did not return, to fetch: 404 →
 *    the handler's deletions), then climbing to the parents of listed pages nobody has found.
 * 4. Processing (processQueue) in ascending `last_edited_time` order, `concurrency` pages at once,
 *    with the pages found outside discovery (the channel: child_page blocks met in trees, parents
 *    climbed to, known child pages whose child_page block vanished) joining as they come, by this
 *    sweep or the capture's others; with nothing left, the sweep waits while another page sweep of
 *    the capture may still find pages. After every `checkpointEvery` completed pages a checkpoint
 *    carries their records and the cursor: the `last_edited_time` of the oldest listed page not
 *    yet done, so a crash redoes at most the pages in flight (plus a re-listing) and never skips
 *    one. A page whose processing fails with a page-scoped error (isPageScopedError) is logged,
 *    left pending, and retried next sweep.
 * 5. The final checkpoint moves the cursor to the newest `last_edited_time` listed, but never past
 *    the minute the listing started in (an edit made while the listing ran may not be in it), and
 *    not at all when discovery skipped a data source (its rows were not all read).
 *
 * With `ctx.targets` (webhook events), a targeted sweep instead: runTargetedSweep.
 */
export async function* runPageSweep(
  ctx: StreamContext,
  state: PageSweepState,
  handler: PageSweepHandler,
  options: PageSweepOptions = {},
  stats: PageSweepStats = emptyPageSweepStats(),
): AsyncGenerator<StreamEvent<PageSweepState>, void, undefined> {
  if (ctx.targets !== undefined) {
    // Woken by webhook events: only what they name (see runTargetedSweep).
    yield* runTargetedSweep(ctx, state, handler, ctx.targets, options, stats);
    return;
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) controller.abort(ctx.signal.reason);
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  const ledger = new PageLedger(state);
  const foundPages = ctx.hub?.foundPages ?? createFoundPages();
  foundPages.remember(ledger.hiddenChildren());
  const found = foundPages.join();
  try {
    const rpm = ctx.config.advanced?.requests_per_minute;
    const plan = planSweep(
      state,
      ledger.knownKeys.length,
      options,
      ctx.clock.now(),
      ctx.config.start_date,
      rpm,
      ctx.config.webhooks?.enabled === true,
    );
    logStretch(ctx, plan);
    const run = newSweepRun(
      { ctx, handler, plan, stats, ledger, signal: controller.signal, foundPages, found, noted: new Map() },
      state,
      ctx.progress,
    );
    if (plan.refresh) yield refreshEveryPage(run);

    const listedKeys = yield* listChangedPages(run);
    if (stats.skippedDataSources > 0) {
      run.checkpoints.holdCursor();
      ctx.logger.warn('page sweep: some data sources’ rows could not all be read; the cursor stays', {
        skippedDataSources: stats.skippedDataSources,
      });
    }
    queueKnownPages(run, listedKeys);
    climbNoted(run);
    run.checkpoints.total = run.checkpoints.done + run.queue.length;
    run.checkpoints.report();

    const cursorCheckpoint = () =>
      run.checkpoints.checkpoint({ cursor: run.checkpoints.finalCursor(plan.startMs) });
    yield* processQueue(run, () => controller.abort(new Error('page sweep stopped')), cursorCheckpoint);
    yield finalCheckpoint(run);
    run.checkpoints.report();
    ctx.logger.info('page sweep done', {
      ...stats,
      requests: requestCounts(stats),
      backfill: plan.backfill,
      scan: plan.scan,
      refresh: plan.refresh,
    });
  } finally {
    found.leave();
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

/** Logs a scan or refresh interval stretched to fit its share of the rate budget. */
function logStretch(ctx: StreamContext, plan: SweepPlan): void {
  const minutes = (ms: number) => Math.round(ms / 60_000);
  if (plan.scanStretchMs > 0) {
    ctx.logger.info('page sweep: deletion scans spaced out to stay within their share of the rate budget', {
      stretchedByMinutes: minutes(plan.scanStretchMs),
    });
  }
  if (plan.refreshStretchMs > 0) {
    ctx.logger.info('page sweep: full refreshes spaced out to stay within their share of the rate budget', {
      stretchedByMinutes: minutes(plan.refreshStretchMs),
      intervalMinutes: minutes(plan.refreshIntervalMs ?? 0),
    });
  }
}

/**
 * A full refresh: every known page (not in the trash) pending, checkpointed at once, and drained
 * over this and the next sweeps (SweepPlan.pendingLimit). Its cost, one request a page, spaces out
 * the next.
 */
function refreshEveryPage(run: SweepRun): StreamEvent<PageSweepState> {
  const pages = run.ledger.markAllPending();
  run.ctx.logger.info('page sweep: full refresh of every known page', {
    pages,
    ...(run.plan.pendingLimit === undefined ? {} : { pagesPerSweep: run.plan.pendingLimit }),
  });
  return run.checkpoints.checkpoint({ refreshedAt: run.plan.now, refreshCost: pages });
}

/**
 * What a scan costs this stream on its own (the budget is kept whether or not the capture's other
 * streams share its listing and checks): its listing (the requests it made, or one per 100 pages
 * listed when it replayed another stream's) and one GET per known page it did not list.
 */
function scanCost(stats: PageSweepStats): number {
  return Math.max(requestCounts(stats).listing, Math.ceil(stats.listed / 100)) + stats.scanned;
}

/**
 * The last checkpoint: the cursor at the newest page listed, when it scanned or refreshed, and
 * what a scan or refresh (a backfill is both) cost, which spaces out the next.
 */
function finalCheckpoint(run: SweepRun): StreamEvent<PageSweepState> {
  const { plan, checkpoints, stats } = run;
  const { backfill, scan, now } = plan;
  const counts = requestCounts(stats);
  const refreshes = plan.refreshIntervalMs !== undefined;
  return checkpoints.checkpoint({
    cursor: checkpoints.finalCursor(plan.startMs),
    ...(backfill || scan ? { scannedAt: now, scanCost: scanCost(stats) } : {}),
    ...(backfill && refreshes ? { refreshedAt: now, refreshCost: counts.processing } : {}),
    sweptAt: now,
  });
}
