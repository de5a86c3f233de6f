import { compactId } from '../notion-ids.js';
import type { StreamEvent } from '../stream.js';
import { parentDataSourceIdOf } from './database-resolution.js';
import { startPageDiscovery } from './page-listings.js';
import type { PageSweepState } from './page-state.js';
import { climbFrom } from './sweep-found.js';
import type { PageWorkItem } from './sweep-handler.js';
import { inScope } from './sweep-plan.js';
import { processedPage, type SweepRun } from './sweep-run.js';

/*
 * The first half of a sweep: what to process. The listing (discovery), then the pages from state
 * (pending ones, and on a deletion scan the ones the listing missed); then the found pages
 * (sweep-found.ts).
 */

/**
 * Phase 1: lists the pages edited since the plan's bounds (through the CaptureHub's shared
 * listings when there is one). A page whose time and trash flag are the ones the state says were
 * processed is skipped, so the overlap and re-listings after a crash cost no per-page requests.
 * With `fromListing`, documents are emitted straight from the listing; the other pages are
 * queued, oldest first. Returns the keys listed on a deletion scan.
 */
export async function* listChangedPages(
  run: SweepRun,
): AsyncGenerator<StreamEvent<PageSweepState>, Set<string> | undefined, undefined> {
  const { ctx, handler, plan, stats, ledger, queue, checkpoints } = run;
  const { since, searchSince, backfill, scan, refresh } = plan;
  const { logger, clock } = ctx;
  logger.debug('page sweep: listing pages', { since, searchSince, backfill, scan, refresh });
  const listedKeys = scan ? new Set<string>() : undefined;
  // Data sources an earlier sweep learned of outside search: queried even when search omits them
  const extraDataSourceIds = run.ledger.memory.extraDataSourceIds();
  // Databases an earlier sweep resolved: the capture's listing reads them again only if changed.
  const resolvedDatabases = run.ledger.memory.resolvedDatabases();
  ctx.hub?.dataSourceListings.learn({ resolvedDatabases });
  const request = {
    since,
    searchSince,
    logger,
    signal: run.signal,
    clock,
    extraDataSourceIds,
    resolvedDatabases,
    notice: ctx.notice,
  };
  const discovery = ctx.hub
    ? ctx.hub.pageListings.discover(
        ctx.notion,
        { ...request, needsPageObjects: handler.fromListing !== undefined },
        stats,
      )
    : startPageDiscovery(ctx.notion, request, stats);
  stats.sharedListing = discovery.shared;
  for await (const found of discovery.pages) {
    stats.listed++;
    const at = Date.parse(found.lastEditedTime);
    if (!Number.isNaN(plan.startMs) && at < plan.startMs) continue;
    checkpoints.listed(found.lastEditedTime);
    if (!inScope(plan, found.dataSourceId ?? parentDataSourceIdOf(found.page))) continue;
    const key = compactId(found.id);
    listedKeys?.add(key);
    if (ledger.isUnchanged(key, found.lastEditedTime, found.trashed)) {
      stats.unchanged++;
      continue;
    }
    climbFrom(run, found.page, found.parentPageId);
    if (queue.has(key)) continue;
    const item: PageWorkItem = {
      id: found.id,
      lastEditedTime: found.lastEditedTime,
      page: handler.fromListing ? found.page : undefined,
      trashed: found.trashed,
      parentPageId: found.parentPageId,
      readAt: handler.fromListing && found.page ? found.readAt : undefined,
      reason: ledger.has(key) ? 'changed' : 'new',
    };
    if (handler.fromListing && found.page) {
      const prior = ledger.record(key);
      const outcome = handler.fromListing(found.page, prior);
      if (outcome !== undefined) {
        for (const doc of outcome.docs) yield { doc };
        if (outcome.record === null) ledger.remove(key);
        else
          ledger.setProcessed(key, processedPage(run, item, found.page, outcome.record.capturedIds, prior));
        stats.processed++;
        const due = checkpoints.pageDone();
        if (due !== undefined) {
          yield due;
          checkpoints.report();
        }
        continue;
      }
    }
    queue.add(key, item);
  }
  // Final now that the listing is read (a shared data source listing may have started earlier).
  checkpoints.capAt(Math.min(plan.now, discovery.startedAt));
  // Every data source the listing queried or learned of, for the next sweep.
  run.ledger.memory.setExtraDataSourceIds(discovery.dataSourceIds());
  run.ledger.memory.setResolvedDatabases(
    ctx.hub?.dataSourceListings.resolvedDatabases() ?? resolvedDatabases,
    clock.now(),
  );
  queue.sortListed();
  return listedKeys;
}

/** Queues the pages from state: pending ones, and those a deletion scan's listing did not return. */
export function queueKnownPages(run: SweepRun, listedKeys: Set<string> | undefined): void {
  const { ledger, queue, stats, plan } = run;
  let pending = 0;
  let deferred = 0;
  ledger.forEachToRevisit(
    listedKeys,
    (key) => queue.has(key),
    (key, page) => {
      if (page.reason === 'pending' && plan.pendingLimit !== undefined && ++pending > plan.pendingLimit) {
        deferred++; // stays pending in the state: a later sweep does it
        return;
      }
      if (page.reason === 'scan') stats.scanned++;
      queue.add(key, page);
    },
  );
  if (deferred > 0)
    run.ctx.logger.info(
      'page sweep: pending pages left for the next sweeps (a refresh drained at its share of the rate budget)',
      {
        processing: plan.pendingLimit,
        deferred,
      },
    );
}
