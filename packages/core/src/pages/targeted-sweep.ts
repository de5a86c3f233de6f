import { compactId } from '../notion-ids.js';
import type { StreamContext, StreamEvent } from '../stream.js';
import type { RefreshTarget } from '../webhooks.js';
import { createFoundPages } from './found-pages.js';
import { PageLedger, type PageSweepState } from './page-state.js';
import type { PageSweepHandler } from './sweep-handler.js';
import { type PageSweepOptions, planSweep } from './sweep-plan.js';
import { processQueue } from './sweep-processing.js';
import { emptyPageSweepStats, newSweepRun, type PageSweepStats, requestCounts } from './sweep-run.js';

/**
 * A targeted sweep of a page stream: only the pages `targets` name (webhook events), no listing,
 * the cursor and the scan and refresh times left as they are. A `page` target is checked with one
 * GET (404: its deletions; the version the state has already: nothing to do), then processed by
 * the handler like any changed page; a `comments` target is always processed (a comment moves
 * nothing on its page). Child pages met and parents to re-read are queued as in any sweep. The
 * sweep uses a found-pages channel of its own: it never waits for the capture's other sweeps,
 * and what it finds in trees reaches the others through their own listings and walks.
 * Checkpoints carry the records as pages complete (the stream's `checkpointEvery`).
 */
export async function* runTargetedSweep(
  ctx: StreamContext,
  state: PageSweepState,
  handler: PageSweepHandler,
  targets: readonly RefreshTarget[],
  options: PageSweepOptions = {},
  stats: PageSweepStats = emptyPageSweepStats(),
): AsyncGenerator<StreamEvent<PageSweepState>, void, undefined> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) controller.abort(ctx.signal.reason);
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  const ledger = new PageLedger(state);
  const foundPages = createFoundPages();
  const found = foundPages.join();
  try {
    const plan = {
      ...planSweep(state, ledger.knownKeys.length, options, ctx.clock.now(), ctx.config.start_date),
      backfill: false,
      scan: false,
      refresh: false,
    };
    const run = newSweepRun(
      { ctx, handler, plan, stats, ledger, signal: controller.signal, foundPages, found, noted: undefined },
      state,
      undefined,
    );
    // One item per page: its comments named too make it processed whatever its version.
    const named = new Map<string, { id: string; signal: 'page' | 'comments' }>();
    for (const target of targets) {
      if (target.kind !== 'page' && target.kind !== 'comments') continue;
      const key = compactId(target.id);
      const signal = target.kind === 'page' ? 'page' : 'comments';
      if (named.get(key)?.signal !== 'comments') named.set(key, { id: target.id, signal });
    }
    for (const [key, { id, signal }] of named) {
      const record = ledger.record(key);
      // A sweep of one data source's rows checks the rows it captured only (a new row waits for
      // the next listing): a page it does not know may be anything, and is the pages stream's.
      if (plan.dataSourceId !== undefined && record === undefined) continue;
      run.queue.add(key, {
        id,
        lastEditedTime: record?.lastEditedTime,
        trashed: record?.trashed ?? false,
        parentPageId: record?.parentPageId,
        reason: 'signal',
        signal,
      });
    }
    // No listing: nothing bounds the cursor, which this sweep never moves.
    run.checkpoints.capAt(plan.now);
    run.checkpoints.holdCursor();
    run.checkpoints.total = run.queue.length;
    yield* processQueue(
      run,
      () => controller.abort(new Error('targeted sweep stopped')),
      () => run.checkpoints.checkpoint({}),
    );
    yield run.checkpoints.checkpoint({});
    ctx.logger.debug('targeted page sweep done', {
      targets: targets.length,
      processed: stats.processed,
      gone: stats.gone,
      requests: requestCounts(stats),
    });
  } finally {
    found.leave();
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
