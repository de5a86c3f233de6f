import { compactId } from '../notion-ids.js';
import type { StreamContext } from '../stream.js';
import { isInTrash } from '../stream-documents.js';
import type { SweepCheckpoints } from './checkpoint.js';
import type { SharedChildPage } from './child-pages.js';
import type { DiscoveryStats } from './discovery.js';
import { type NotionPage, parentPageIdOf } from './page-objects.js';
import { type PageLedger, type PageRecord, type ProcessedPage, toEpochMinutes } from './page-state.js';
import type { PageSweepHandler, PageWorkItem } from './sweep-handler.js';
import type { SweepPlan } from './sweep-plan.js';
import type { WorkQueue } from './work-queue.js';

const MINUTE = 60_000;

export interface PageSweepStats extends DiscoveryStats {
  listed: number;
  unchanged: number;
  processed: number;
  gone: number;
  scanned: number;
  /** Pages whose processing failed with a page-scoped error: left pending for the next sweep. */
  failed: number;
  /** Pages taken from the child pages other streams shared (CaptureHub). */
  fromHub: number;
  /** True when the listing replayed another stream's (CaptureHub). */
  sharedListing: boolean;
}

export function emptyPageSweepStats(): PageSweepStats {
  return {
    searchPages: 0,
    dataSources: 0,
    queryPages: 0,
    narrowedQueries: 0,
    skippedDataSources: 0,
    searchCutShort: false,
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

/** The parts of one running sweep, which its steps share. */
export interface SweepRun {
  ctx: StreamContext;
  handler: PageSweepHandler;
  plan: SweepPlan;
  stats: PageSweepStats;
  ledger: PageLedger;
  queue: WorkQueue;
  checkpoints: SweepCheckpoints;
  /** Aborted when the stream's signal is, or when the sweep stops early. */
  signal: AbortSignal;
}

/**
 * What the state remembers of a page processed from `item` (the version `page` when the sweep or
 * the handler has it): its time, trash flag and parent, the ids captured under it, whether it is
 * unsettled (read within the overlap window after its edit) and whether only a tree showed it.
 */
export function processedPage(
  run: SweepRun,
  item: PageWorkItem,
  page: NotionPage | undefined,
  capturedIds: readonly string[] | undefined,
  prior: PageRecord | undefined,
): ProcessedPage {
  const lastEditedMinute = toEpochMinutes(page?.last_edited_time ?? item.lastEditedTime);
  const readAt = item.readAt ?? run.ctx.clock.now();
  const parent = parentPageIdOf(page) ?? item.parentPageId;
  const listed = item.reason === 'new' || item.reason === 'changed';
  return {
    lastEditedMinute,
    unsettled: lastEditedMinute === 0 || readAt < lastEditedMinute * MINUTE + run.plan.overlapMs,
    trashed: page === undefined ? item.trashed : isInTrash(page),
    capturedIds,
    parentPageId: run.plan.trackParents ? parent : undefined,
    hiddenChild: item.reason === 'child' || (!listed && prior?.hiddenChild === true),
  };
}

/**
 * Queues a child page met in a tree (or shared by another stream) that this stream does not know,
 * recording it pending first (a crash resumes it). False when it is known, queued, or older than
 * `start_date`.
 */
export function queueChildPage(
  run: SweepRun,
  child: SharedChildPage,
  parentKey: string | undefined,
): boolean {
  const { ledger, queue, plan } = run;
  const key = compactId(child.id);
  if (queue.has(key) || ledger.has(key)) return false;
  if (child.lastEditedTime !== undefined && Date.parse(child.lastEditedTime) < plan.startMs) return false;
  queue.add(key, {
    id: child.id,
    lastEditedTime: child.lastEditedTime,
    trashed: false,
    parentPageId: child.parentPageId,
    reason: 'child',
  });
  const parent = parentKey ?? (child.parentPageId === undefined ? undefined : compactId(child.parentPageId));
  ledger.addChildPage(key, child.lastEditedTime, plan.trackParents ? parent : undefined);
  return true;
}
