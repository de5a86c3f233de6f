import { compactId } from '../notion-ids.js';
import type { StreamContext } from '../stream.js';
import { isInTrash } from '../stream-documents.js';
import { SweepCheckpoints } from './checkpoint.js';
import type { ParentRef } from './climb.js';
import { type DiscoveryStats, emptyDiscoveryStats } from './discovery.js';
import type { FoundPage, FoundPages, FoundPagesReader } from './found-pages.js';
import { type NotionPage, parentPageIdOf } from './page-objects.js';
import {
  type PageLedger,
  type PageRecord,
  type PageSweepState,
  type ProcessedPage,
  toEpochMinutes,
} from './page-state.js';
import type { PageSweepHandler, PageWorkItem } from './sweep-handler.js';
import type { SweepPlan } from './sweep-plan.js';
import { WorkQueue } from './work-queue.js';

const MINUTE = 60_000;

export interface PageSweepStats extends DiscoveryStats {
  listed: number;
  unchanged: number;
  processed: number;
  gone: number;
  scanned: number;
  /** Pages whose processing failed with a page-scoped error: left pending for the next sweep. */
  failed: number;
  /** Pages taken from the found-pages channel (found outside discovery, by this sweep or others). */
  fromHub: number;
  /** Known pages checked because their child_page block vanished from a re-read tree. */
  vanished: number;
  /** Pages a scan found alive through another stream's check or a tree walked this sweep: no GET. */
  verified: number;
  /** Parents nobody had found that this sweep climbed to (one GET each for the whole capture). */
  climbed: number;
  /** True when the listing replayed another stream's (CaptureHub). */
  sharedListing: boolean;
  /** Requests by kind, where the engine can count them (see requestCounts). */
  scanChecks: number;
  processingRequests: number;
  refreshRequests: number;
}

export function emptyPageSweepStats(): PageSweepStats {
  return {
    ...emptyDiscoveryStats(),
    listed: 0,
    unchanged: 0,
    processed: 0,
    gone: 0,
    scanned: 0,
    failed: 0,
    fromHub: 0,
    vanished: 0,
    verified: 0,
    climbed: 0,
    sharedListing: false,
    scanChecks: 0,
    processingRequests: 0,
    refreshRequests: 0,
  };
}

/**
 * A sweep's requests by kind, as far as the engine can count them: the listing it made (none when
 * it replayed another stream's), the handler's processing (as handlers report it), the checks of
 * pages a scan missed or whose child_page block vanished, a full refresh's share of processing,
 * and the parents climbed to (one GET, or a few through blocks, each).
 */
export function requestCounts(stats: PageSweepStats): {
  listing: number;
  processing: number;
  scanChecks: number;
  refresh: number;
  climbs: number;
} {
  return {
    listing: stats.searchPages + stats.queryPages,
    processing: stats.processingRequests,
    scanChecks: stats.scanChecks,
    refresh: stats.refreshRequests,
    climbs: stats.climbed,
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
  /** The capture's found-pages channel (the hub's, else the sweep's own), and this sweep's end of it. */
  foundPages: FoundPages;
  found: FoundPagesReader;
  /** Parents to climb to, noted while the listing runs (undefined once it is read: climb at once). */
  noted: Map<string, ParentRef> | undefined;
}

/** A sweep's run from its parts: the work queue and the checkpoints follow its plan. */
export function newSweepRun(
  parts: Omit<SweepRun, 'queue' | 'checkpoints'>,
  state: PageSweepState,
  progress: StreamContext['progress'],
): SweepRun {
  const { plan, ledger } = parts;
  return {
    ...parts,
    queue: new WorkQueue(plan.concurrency, plan.lookahead),
    checkpoints: new SweepCheckpoints(ledger, state, {
      every: plan.checkpointEvery,
      unit: plan.unit,
      backfill: plan.backfill,
      progress,
    }),
  };
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
 * Queues a page found outside discovery (a child_page met in a tree, a parent climbed to, a row
 * found late: this sweep's or another's) that this stream does not know, recording it pending
 * first (a crash resumes it). False when it is known, queued, or older than `start_date`.
 */
export function queueFoundPage(run: SweepRun, found: FoundPage, parentKey: string | undefined): boolean {
  const { ledger, queue, plan } = run;
  const key = compactId(found.id);
  if (queue.has(key) || ledger.has(key)) return false;
  if (found.lastEditedTime !== undefined && Date.parse(found.lastEditedTime) < plan.startMs) return false;
  queue.add(key, {
    id: found.id,
    lastEditedTime: found.lastEditedTime,
    page: found.page,
    readAt: found.page === undefined ? undefined : found.readAt,
    trashed: found.trashed === true,
    parentPageId: found.parentPageId,
    reason: 'child',
  });
  const parent = parentKey ?? (found.parentPageId === undefined ? undefined : compactId(found.parentPageId));
  ledger.addChildPage(key, found.lastEditedTime, plan.trackParents ? parent : undefined);
  return true;
}

/**
 * Queues a known page whose child_page block vanished from its parent's tree (reason 'vanished'),
 * marked pending first: with another sweep's GET of it (its page object, or 404), else this sweep
 * GETs it and, with `announce`, publishes what it found. False when this stream does not know it,
 * or it is queued already.
 */
export function queueVanishedPage(
  run: SweepRun,
  found: FoundPage | { id: string },
  announce = false,
): boolean {
  const { ledger, queue } = run;
  const key = compactId(found.id);
  const record = ledger.record(key);
  if (record === undefined || queue.has(key)) return false;
  const checked = found as FoundPage;
  queue.add(key, {
    id: found.id,
    lastEditedTime: record.lastEditedTime,
    page: checked.page,
    readAt: checked.page === undefined ? undefined : checked.readAt,
    gone: checked.gone,
    trashed: record.trashed,
    parentPageId: record.parentPageId,
    reason: 'vanished',
    announce,
  });
  ledger.markPending(key);
  run.stats.vanished++;
  return true;
}
