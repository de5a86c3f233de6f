import { compactId } from '../notion-ids.js';
import { climbParent, type ParentRef, parentRefOf } from './climb.js';
import { parentDataSourceIdOf } from './database-resolution.js';
import type { FoundPage } from './found-pages.js';
import type { NotionPage } from './page-objects.js';
import { inScope } from './sweep-plan.js';
import { queueFoundPage, queueVanishedPage, type SweepRun } from './sweep-run.js';

/*
 * A sweep's side of the found-pages channel (found-pages.ts): taking what the capture's sweeps
 * found outside discovery, and climbing to parents nobody has found.
 */

/**
 * Queues what the channel holds for this sweep: found pages it does not know, and vanished pages
 * it knows (with the other sweep's GET result). Returns how many it queued.
 */
export function takeFoundPages(run: SweepRun): number {
  let queued = 0;
  for (const found of run.found.take()) {
    // A sweep of one data source's rows takes its rows only (and checks of the pages it knows).
    if (found.reason !== 'vanished' && !inScope(run.plan, parentDataSourceIdOf(found.page))) continue;
    const added =
      found.reason === 'vanished' ? queueVanishedPage(run, found) : queueFoundPage(run, found, undefined);
    if (!added) continue;
    queued++;
    run.stats.fromHub++;
    if (found.reason !== 'vanished') climbFrom(run, found.page, found.parentPageId);
  }
  if (queued > 0) run.checkpoints.total = (run.checkpoints.total ?? 0) + queued;
  return queued;
}

/** Publishes found pages to the capture's other sweeps. */
export function publishFound(run: SweepRun, pages: FoundPage[]): void {
  if (pages.length > 0) run.found.publish(pages);
}

/**
 * A page this sweep will capture (or did): when its parent is a page or a block this sweep does
 * not know and nobody has claimed, climb to it (one GET for the capture; see climbParent). While
 * the listing runs the parents are only noted (a listed page may be the parent): `climbNoted`
 * climbs once the listing is read.
 */
export function climbFrom(
  run: SweepRun,
  page: NotionPage | undefined,
  parentPageId: string | undefined,
): void {
  const ref =
    parentRefOf(page) ?? (parentPageId === undefined ? undefined : { type: 'page', id: parentPageId });
  if (ref !== undefined) climbTo(run, ref);
}

function climbTo(run: SweepRun, ref: ParentRef): void {
  const key = compactId(ref.id);
  if (run.ledger.has(key) || run.queue.has(key)) return;
  if (run.noted !== undefined) {
    run.noted.set(key, ref);
    return;
  }
  const { ctx, foundPages, signal } = run;
  if (climbParent(foundPages, ctx.notion, ref, { logger: ctx.logger, clock: ctx.clock, signal }))
    run.stats.climbed++;
}

/** Once the listing is read: climbs to the parents noted during it that nobody has found. */
export function climbNoted(run: SweepRun): void {
  const noted = run.noted;
  run.noted = undefined;
  for (const ref of noted?.values() ?? []) climbTo(run, ref);
}
