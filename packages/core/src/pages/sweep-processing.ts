import { NotionApiError, ResponseValidationError } from '../errors.js';
import { compactId } from '../notion-ids.js';
import type { StreamEvent } from '../stream.js';
import { isInTrash } from '../stream-documents.js';
import type { FoundPage } from './found-pages.js';
import { retrievePage } from './page-objects.js';
import type { PageSweepState } from './page-state.js';
import { ParentTracking } from './parent-tracking.js';
import { climbFrom, publishFound, takeFoundPages } from './sweep-found.js';
import type { PageOutcome, PageWorkItem } from './sweep-handler.js';
import { processedPage, queueFoundPage, queueVanishedPage, type SweepRun } from './sweep-run.js';
import type { SettledWork } from './work-queue.js';

/*
 * The second half of a sweep: processing the queue, and what each page's outcome changes.
 */

/**
 * Whether a failure concerns one page only, so the sweep goes on without it (it stays pending and
 * is retried next sweep): a response that does not parse, or a non-retryable 400
 * validation_error, 403 restricted_resource or 404 object_not_found (one the handler did not take
 * as the page being gone: a property item, a block of it). Anything else fails the sweep: 401, a
 * blocked integration (`public_api_request_blocked`), exhausted retries, aborts, bugs.
 */
export function isPageScopedError(error: unknown): boolean {
  if (error instanceof ResponseValidationError) return true;
  if (!(error instanceof NotionApiError) || error.isRetryable) return false;
  if (error.rateLimitReason === 'public_api_request_blocked') return false;
  return (
    (error.status === 400 && error.code === 'validation_error') ||
    (error.status === 403 && error.code === 'restricted_resource') ||
    (error.status === 404 && error.code === 'object_not_found')
  );
}

type Work = PageOutcome | 'unchanged';

/**
 * Phase 2: processes the queue (see WorkQueue), each page's documents followed, every
 * `checkpointEvery` pages, by a checkpoint whose cursor waits for the oldest listed page not
 * done. Pages the capture's other sweeps find meanwhile (the found-pages channel) join the queue
 * as they come; with the queue empty, the sweep checkpoints its cursor and waits while another
 * page sweep of the capture may still find some, then ends with them. Stops the pages in flight
 * when the consumer stops early or a page fails the sweep.
 */
export async function* processQueue(
  run: SweepRun,
  stop: () => void,
  idleCheckpoint: () => StreamEvent<PageSweepState>,
): AsyncGenerator<StreamEvent<PageSweepState>, void, undefined> {
  const { queue, checkpoints } = run;
  const parents = run.plan.trackParents ? new ParentTracking(run.ledger, queue) : undefined;
  const work = (item: PageWorkItem) => processPage(run, item);
  try {
    for (;;) {
      takeFoundPages(run);
      const settled = await queue.next(work);
      if (settled === undefined) {
        yield idleCheckpoint();
        if (await run.found.idle(run.signal)) continue;
        break;
      }
      yield* settlePage(run, settled, parents);
      queue.finish(settled.index);
      const due = checkpoints.pageDone(() => queue.oldestOpenListed());
      if (due !== undefined) {
        yield due;
        checkpoints.report();
      }
    }
  } finally {
    await queue.stop(stop);
  }
}

/**
 * One page: a page a deletion scan missed is fetched first (404: gone; the version processed
 * already: nothing to do); the handler does the rest.
 */
async function processPage(run: SweepRun, item: PageWorkItem): Promise<Work> {
  const { ctx, handler, ledger, signal, stats } = run;
  const prior = ledger.record(compactId(item.id));
  // What the handler reads from now on is no older than this.
  if (item.page === undefined) item.readAt = ctx.clock.now();
  // A page a webhook event named is checked too (its comments only when the state does not know it).
  const signalled = item.reason === 'signal';
  const check =
    item.reason === 'scan' ||
    item.reason === 'vanished' ||
    (signalled && (item.signal === 'page' || prior === undefined));
  if (item.reason === 'scan' && item.page === undefined) {
    // Checked already since this sweep started (another stream's GET, or a tree walked that
    // still lists its child_page block): no GET of its own.
    const known = run.foundPages.checked(item.id, run.plan.now);
    if (known?.gone === true) item.gone = true;
    else if (known !== undefined && prior !== undefined && !known.trashed && !prior.trashed) {
      if (known.lastEditedTime === undefined || prior.isUnchanged(known.lastEditedTime, false)) {
        stats.verified++;
        return 'unchanged';
      }
    }
  }
  if (check && item.page === undefined && item.gone !== true) {
    stats.scanChecks++;
    const page = await retrievePage(ctx.notion, item.id, signal);
    if (page === undefined) item.gone = true;
    else item.page = page;
    run.foundPages.noteChecked(
      [
        page === undefined
          ? { id: item.id, trashed: false, gone: true }
          : { id: item.id, lastEditedTime: page.last_edited_time, trashed: isInTrash(page), gone: false },
      ],
      item.readAt ?? ctx.clock.now(),
    );
  }
  if (check && item.gone === true) return { docs: handler.gone(item.id, prior), record: null };
  if (check && item.page !== undefined) {
    const { page } = item;
    const changedOnly = !signalled || item.signal === 'page';
    if (changedOnly && prior?.isUnchanged(page.last_edited_time, isInTrash(page)) === true)
      return 'unchanged';
    item.lastEditedTime = page.last_edited_time;
    item.trashed = isInTrash(page);
  }
  return handler.process(item, prior, signal, ledger);
}

/**
 * What a settled page changes: a page-scoped failure leaves it pending (anything else fails the
 * sweep); an outcome's documents are emitted, its record kept (or forgotten: gone), its parent
 * queued (ParentTracking), its child pages nothing else knows queued and shared.
 */
async function* settlePage(
  run: SweepRun,
  settled: SettledWork<Work>,
  parents: ParentTracking | undefined,
): AsyncGenerator<StreamEvent<PageSweepState>, void, undefined> {
  const { ctx, handler, stats, ledger, checkpoints } = run;
  const { key, item } = settled;
  if ('error' in settled) {
    const { error } = settled;
    if (run.signal.aborted || !isPageScopedError(error) || handler.isFatal?.(error) === true) throw error;
    stats.failed++;
    if (item.reason === 'signal' && !ledger.has(key)) {
      // A page a webhook event named that this stream never captured: nothing to retry it for.
      ctx.logger.warn('could not read a page a webhook event named; skipping it', {
        pageId: item.id,
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    ctx.logger.warn('could not process a page; capturing the others and retrying it next sweep', {
      pageId: item.id,
      requestId: (error as { requestId?: string }).requestId,
      operation: (error as { operation?: string }).operation,
      error: error instanceof Error ? error.message : String(error),
    });
    ledger.setFailed(key, item.lastEditedTime, item.trashed);
    return;
  }
  const { outcome } = settled;
  if (item.reason === 'vanished' && item.announce === true) {
    // This sweep's GET of a page whose child_page block vanished: every sweep that knows it emits it.
    const checked: FoundPage = { id: item.id, reason: 'vanished', page: item.page, readAt: item.readAt };
    if (item.gone === true) checked.gone = true;
    publishFound(run, [checked]);
  }
  if (outcome === 'unchanged') return;
  const prior = ledger.record(key);
  if (outcome.record === null && item.reason === 'child') {
    // A found page that answers 404 before it was ever captured: nothing to delete.
    ctx.logger.warn('a page found outside discovery is not readable (404); skipping it', { pageId: item.id });
    stats.failed++;
    ledger.remove(key);
    return;
  }
  stats.processingRequests += outcome.requests ?? 0;
  // A refresh re-processes every known page (as pending, over sweeps): at least one request each.
  if (run.plan.refreshIntervalMs !== undefined && item.reason === 'pending')
    stats.refreshRequests += outcome.requests ?? 1;
  for (const doc of outcome.docs) yield { doc };
  const page = outcome.page ?? item.page;
  const next =
    outcome.record === null ? null : processedPage(run, item, page, outcome.record.capturedIds, prior);
  if (next === null) {
    stats.gone++;
    ledger.remove(key);
  } else {
    ledger.setProcessed(key, next);
    if (!next.trashed) climbFrom(run, page, item.parentPageId);
  }
  stats.processed++;
  let added = 0;
  if (parents?.childProcessed(item, prior, next) === true) added++;
  // The child pages a tree walked now still lists are alive: a scan needs no GET of them.
  if (outcome.childPages !== undefined && outcome.childPages.length > 0) {
    const alive = outcome.childPages.map((child) => ({ id: child.id, trashed: false, gone: false }));
    run.foundPages.noteChecked(alive, item.readAt ?? run.plan.now);
  }
  const shared: FoundPage[] = [];
  for (const child of outcome.childPages ?? []) {
    const found: FoundPage = {
      id: child.id,
      lastEditedTime: child.lastEditedTime,
      parentPageId: item.id,
      reason: 'child',
    };
    if (!queueFoundPage(run, found, key)) continue;
    shared.push(found);
    added++;
  }
  publishFound(run, shared);
  for (const id of outcome.vanishedPages ?? []) {
    if (queueVanishedPage(run, { id }, true)) added++;
  }
  if (added > 0) checkpoints.total = (checkpoints.total ?? 0) + added;
}
