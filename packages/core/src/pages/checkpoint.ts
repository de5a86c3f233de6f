import type { MergePatch } from '../merge-patch.js';
import type { StreamEvent, StreamProgress } from '../stream.js';
import type { PageLedger, PageSweepState } from './page-state.js';

const MINUTE = 60_000;

export function maxIso(a: string | null | undefined, b: string | null | undefined): string | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

export function minIso(a: string | null | undefined, b: string): string | null {
  if (a == null) return null;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/**
 * A sweep's checkpoints and progress. A checkpoint carries the page records changed since the
 * last one (PageLedger) and the cursor: the last_edited_time of the oldest listed page not yet
 * done (else the newest listed), never past the minute the listing started in (an edit made
 * while it ran may be missing from it) and never back.
 */
export class SweepCheckpoints {
  readonly #ledger: PageLedger;
  readonly #startCursor: string | null;
  readonly #every: number;
  readonly #progress: (progress: StreamProgress) => void;
  readonly #unit: string;
  readonly #backfill: boolean;
  #lastCursor: string | null;
  #sinceCheckpoint = 0;
  /** The newest last_edited_time listed. */
  #newest: string | null = null;
  /** The cursor never passes it: the minute the listing (or the sweep) started in. */
  #cap: string | undefined;
  /** The cursor stays where it was (discovery could not read every data source's rows). */
  #held = false;
  /** Pages done, and the pages the sweep expects to do (when known). */
  done = 0;
  total: number | undefined;

  constructor(
    ledger: PageLedger,
    state: PageSweepState,
    options: {
      every: number;
      unit: string;
      backfill: boolean;
      progress: ((progress: StreamProgress) => void) | undefined;
    },
  ) {
    this.#ledger = ledger;
    this.#startCursor = state.cursor;
    this.#lastCursor = state.cursor;
    this.#every = options.every;
    this.#unit = options.unit;
    this.#backfill = options.backfill;
    this.#progress = options.progress ?? (() => {});
  }

  /** Notes a listed page's time (the cursor's upper bound). */
  listed(lastEditedTime: string): void {
    this.#newest = maxIso(this.#newest, lastEditedTime);
  }

  /** Once the listing is read: the cursor stays below the minute it (or the sweep) started in. */
  capAt(startedAt: number): void {
    this.#cap = new Date(Math.floor(startedAt / MINUTE) * MINUTE).toISOString();
  }

  /** The cursor does not move this sweep (a listing that missed rows: they are older than it may go). */
  holdCursor(): void {
    this.#held = true;
  }

  /** A checkpoint of the changes so far, with the cursor and times given. */
  checkpoint(extra: {
    cursor?: string | null;
    scannedAt?: number;
    refreshedAt?: number;
    scanCost?: number;
    refreshCost?: number;
    sweptAt?: number;
  }): StreamEvent<PageSweepState> {
    const patch: Record<string, unknown> = {
      pages: this.#ledger.takeUnsaved(),
      ...this.#ledger.memory.takeChanged(),
    };
    if (extra.cursor !== undefined && extra.cursor !== this.#lastCursor && !this.#held) {
      patch.cursor = extra.cursor;
      this.#lastCursor = extra.cursor;
    }
    if (extra.scannedAt !== undefined) patch.scannedAt = extra.scannedAt;
    if (extra.refreshedAt !== undefined) patch.refreshedAt = extra.refreshedAt;
    if (extra.scanCost !== undefined) patch.scanCost = extra.scanCost;
    if (extra.refreshCost !== undefined) patch.refreshCost = extra.refreshCost;
    if (extra.sweptAt !== undefined) patch.sweptAt = extra.sweptAt;
    return { checkpoint: patch as MergePatch<PageSweepState> };
  }

  /**
   * Counts a page done: every `checkpointEvery` pages, a checkpoint (with the cursor at
   * `oldestOpen`, the time of the oldest listed page not done, once the listing is read).
   */
  pageDone(oldestOpen?: () => string | undefined): StreamEvent<PageSweepState> | undefined {
    this.done++;
    if (++this.#sinceCheckpoint < this.#every) return undefined;
    this.#sinceCheckpoint = 0;
    if (oldestOpen === undefined || this.#held) return this.checkpoint({});
    return this.checkpoint({
      cursor: maxIso(this.#startCursor, minIso(oldestOpen() ?? this.#newest, this.#cap!)),
    });
  }

  /** The cursor at the end of the sweep: the newest listed (capped), else `start_date`. */
  finalCursor(startMs: number): string | null {
    if (this.#held) return this.#startCursor;
    return (
      maxIso(this.#startCursor, minIso(this.#newest, this.#cap!)) ??
      (Number.isNaN(startMs) ? null : new Date(startMs).toISOString())
    );
  }

  report(): void {
    this.#progress({ unit: this.#unit, done: this.done, total: this.total, backfill: this.#backfill });
  }
}
