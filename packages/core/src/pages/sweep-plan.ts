import type { PageSweepState } from './page-state.js';

const MINUTE = 60_000;

/** Pending pages a sweep of a stream with a refresh may always process (SweepPlan.pendingLimit). */
export const MIN_PENDING_PER_SWEEP = 50;

/**
 * With webhooks on, deletion scans and full refreshes (comments) run at most this often: events
 * name the pages that changed, trashed pages and comments, and polling stays as the safety net
 * for events that never arrive. One week.
 */
export const WEBHOOK_SAFETY_NET_INTERVAL_MS = 7 * 24 * 60 * MINUTE;

export interface PageSweepOptions {
  /** Re-read window below the cursor for data source queries (minute-rounded timestamps). Default 2 minutes. */
  overlapMs?: number;
  /**
   * Re-read window below the cursor for search, which lags behind edits. Default 15 minutes: cheap,
   * since search is sorted newest first and stops at the bound, and pages already processed at the
   * listed version are skipped without a request.
   */
  searchOverlapMs?: number;
  /**
   * How often a sweep enumerates every page to find deleted, trashed and unlisted ones. Default 1
   * hour; stretched so that scans use at most `scanBudgetShare` of the rate budget (see planSweep).
   */
  deletionScanIntervalMs?: number;
  /**
   * The share of the rate budget (`advanced.requests_per_minute`) this stream's deletion scans may
   * use: the next scan waits until the last one's cost (requests) fits in it. Default 0.015 (the
   * three page streams together: at most 4.5%). `Infinity`: never stretched.
   */
  scanBudgetShare?: number;
  /**
   * The share of the rate budget a full refresh (`refreshIntervalMs`) may use: its interval is
   * stretched the same way, and its pages are drained over the sweeps at that share (see
   * SweepPlan.pendingLimit), so that no day costs more than it. Default 0.1.
   */
  refreshBudgetShare?: number;
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
  /**
   * Sweep the rows of this data source only (a data source's typed rows): the listing is the one
   * every page sweep reads (replayed through the CaptureHub), its other pages are passed over (the
   * cursor still moves with them, so the sweeps' bounds stay equal and keep sharing listings), and
   * found pages other than this data source's rows are ignored. Undefined (default): every page.
   */
  dataSourceId?: string | undefined;
}

/** What one sweep does, decided before it starts: the options resolved, and its kind and bounds. */
export interface SweepPlan {
  /** The sweep's start (clock ms). */
  now: number;
  /** `start_date` (epoch ms; NaN when it does not parse): older pages are not captured. */
  startMs: number;
  /** No cursor yet: list everything since `start_date`. */
  backfill: boolean;
  /** A deletion scan: list everything, and fetch each known page the listing did not return. */
  scan: boolean;
  /** A full refresh: every known page is marked pending, to be processed again. */
  refresh: boolean;
  /**
   * Streams with a refresh: pending pages this sweep processes at most, the rest left pending for
   * the next sweeps: the refresh's share of the rate budget over the time since the last sweep
   * (at least MIN_PENDING_PER_SWEEP). Undefined: every pending page (no refresh, no earlier sweep).
   */
  pendingLimit: number | undefined;
  /** Lower bound of the data source queries (undefined: no bound). */
  since: string | undefined;
  /** Lower bound of the search listing. */
  searchSince: string | undefined;
  overlapMs: number;
  refreshIntervalMs: number | undefined;
  /** How far past `deletionScanIntervalMs` the scan interval is stretched to fit its budget share (0: not). */
  scanStretchMs: number;
  /** How far past `refreshIntervalMs` the refresh interval is stretched (0: not). */
  refreshStretchMs: number;
  concurrency: number;
  lookahead: number;
  checkpointEvery: number;
  unit: string;
  trackParents: boolean;
  /** Only the rows of this data source (PageSweepOptions.dataSourceId). */
  dataSourceId: string | undefined;
}

/** Whether a page of data source `dataSourceId` (undefined: not a row) is one the sweep captures. */
export function inScope(plan: SweepPlan, dataSourceId: string | undefined): boolean {
  return plan.dataSourceId === undefined || dataSourceId === plan.dataSourceId;
}

/**
 * The interval between two runs of a periodic task that cost `cost` requests last time, so that
 * it uses at most `share` of `requestsPerMinute`: max(`intervalMs`, cost ÷ (share × rpm) minutes).
 */
export function budgetedInterval(
  intervalMs: number,
  cost: number | undefined,
  share: number,
  requestsPerMinute: number,
): number {
  if (cost === undefined || cost <= 0 || !(share > 0) || !(requestsPerMinute > 0)) return intervalMs;
  return Math.max(intervalMs, Math.ceil((cost / (share * requestsPerMinute)) * MINUTE));
}

/**
 * Plans a sweep from `state`: a backfill without a cursor; a deletion scan every
 * `deletionScanIntervalMs` once pages are known; a full refresh every `refreshIntervalMs` (both
 * stretched to their share of the `requestsPerMinute` budget, from what the last one cost);
 * listing bounds at the cursor less the overlaps (search: the wider one), or `start_date` on a
 * backfill or scan. With `webhooks` (events on), scans and refreshes are at least
 * WEBHOOK_SAFETY_NET_INTERVAL_MS apart.
 */
export function planSweep(
  state: PageSweepState,
  knownPages: number,
  options: PageSweepOptions,
  now: number,
  startDate: string,
  requestsPerMinute = 180,
  webhooks = false,
): SweepPlan {
  const overlapMs = options.overlapMs ?? 2 * MINUTE;
  const searchOverlapMs = Math.max(overlapMs, options.searchOverlapMs ?? 15 * MINUTE);
  const safetyNet = webhooks ? WEBHOOK_SAFETY_NET_INTERVAL_MS : 0;
  const baseScanMs = Math.max(options.deletionScanIntervalMs ?? 60 * MINUTE, safetyNet);
  const scanIntervalMs = budgetedInterval(
    baseScanMs,
    state.scanCost,
    options.scanBudgetShare ?? 0.015,
    requestsPerMinute,
  );
  const baseRefreshMs =
    options.refreshIntervalMs === undefined ? undefined : Math.max(options.refreshIntervalMs, safetyNet);
  const refreshShare = options.refreshBudgetShare ?? 0.1;
  const refreshIntervalMs =
    baseRefreshMs === undefined
      ? undefined
      : budgetedInterval(baseRefreshMs, state.refreshCost, refreshShare, requestsPerMinute);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const startMs = Date.parse(startDate);
  const backfill = state.cursor === null;
  const scan =
    !backfill && knownPages > 0 && (state.scannedAt === null || now - state.scannedAt >= scanIntervalMs);
  const refresh =
    refreshIntervalMs !== undefined &&
    !backfill &&
    (state.refreshedAt == null || now - state.refreshedAt >= refreshIntervalMs);
  const sinceLastMinutes =
    state.sweptAt === undefined ? undefined : Math.max(0, now - state.sweptAt) / MINUTE;
  const pendingLimit =
    refreshIntervalMs === undefined || backfill || sinceLastMinutes === undefined || !(refreshShare > 0)
      ? undefined
      : Math.max(MIN_PENDING_PER_SWEEP, Math.ceil(refreshShare * requestsPerMinute * sinceLastMinutes));
  const bound = (overlap: number): string | undefined => {
    const ms = backfill || scan ? startMs : Math.max(startMs, Date.parse(state.cursor!) - overlap);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  };
  return {
    now,
    startMs,
    backfill,
    scan,
    refresh,
    pendingLimit,
    since: bound(overlapMs),
    searchSince: bound(searchOverlapMs),
    overlapMs,
    refreshIntervalMs,
    scanStretchMs: scanIntervalMs - baseScanMs,
    refreshStretchMs: refreshIntervalMs === undefined ? 0 : refreshIntervalMs - baseRefreshMs!,
    concurrency,
    lookahead: Math.max(concurrency, options.lookahead ?? 200),
    checkpointEvery: Math.max(1, options.checkpointEvery ?? 1),
    unit: options.unit ?? 'pages',
    trackParents: options.trackParents === true,
    dataSourceId: options.dataSourceId,
  };
}
