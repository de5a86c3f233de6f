import { z } from 'zod';
import { compactId, expandId, packIds, unpackIds } from '../notion-ids.js';
import type { FoundPage } from './found-pages.js';
import { SweepMemory } from './sweep-memory.js';

/*
 * The persisted form of page state, and the only module that knows its one-letter keys. Others
 * read a page through PageRecord and change state through PageLedger.
 */

/**
 * What a page stream remembers of one page, as persisted: the version it processed and, for
 * blocks and comments, the ids it captured under it. About 45 bytes of JSON per page (a
 * 22-character compact id as key, `{"t":…}`) plus 21.33 characters per packed id.
 */
export const pageEntrySchema = z.object({
  /** lastEditedMinute: the page's last_edited_time when processed, in epoch minutes (0: unknown). */
  t: z.number().int().nonnegative(),
  /**
   * unsettled: its data was read less than the overlap window after `t`, so an edit later in that
   * same minute may be missing: re-read when seen again.
   */
  u: z.literal(1).optional(),
  /**
   * pending: to process on the next sweep whatever its time: a child_page met in a tree, a page
   * whose processing failed, a parent to re-read, a page due for a full refresh.
   */
  p: z.literal(1).optional(),
  /** trashed: the page was in the trash when processed. */
  d: z.literal(1).optional(),
  /** capturedIds: packed ids (see packIds) of what the stream captured under the page. */
  k: z.string().optional(),
  /** parentPageId: compactId of the parent page (with `trackParents`, for pages whose parent is a page). */
  q: z.string().optional(),
  /** hiddenChild: found only as a child_page block (discovery did not list it); shared through the CaptureHub. */
  h: z.literal(1).optional(),
});
/** One page's persisted entry: read it through PageRecord. */
export type PageEntry = z.output<typeof pageEntrySchema>;

/** The state shared by the pages, blocks and comments streams (each keeps its own copy). */
export const pageSweepStateSchema = z.object({
  /** State version: a different version does not parse, which means a fresh backfill. */
  v: z.literal(1),
  /** last_edited_time (ISO) below which every page has been processed; null before the first sweep. */
  cursor: z.string().nullable(),
  /** When (the connector's clock, epoch ms) the last full enumeration compared every known page. */
  scannedAt: z.number().nullable(),
  /** When (epoch ms) the last full refresh (`refreshIntervalMs`) marked every known page for processing. */
  refreshedAt: z.number().nullable().optional(),
  /**
   * Requests the last deletion scan (or backfill listing) cost this stream on its own (its listing
   * and a check per page it missed): the next scan waits until the scans stay within their share
   * of the rate budget (see planSweep).
   */
  scanCost: z.number().int().nonnegative().optional(),
  /** Requests the last full refresh cost (one per page it marked): the next waits likewise. */
  refreshCost: z.number().int().nonnegative().optional(),
  /**
   * When (epoch ms) the last sweep started: how much of a refresh the next sweep may do (a refresh
   * is drained over sweeps at its share of the rate budget, see planSweep).
   */
  sweptAt: z.number().optional(),
  /**
   * Data sources discovery learned of outside search (compactIds, space-separated): queried by the
   * next sweep even when search does not list them.
   */
  extraDataSources: z.string().optional(),
  /**
   * Databases resolved (their `data_sources` read), space-separated
   * `<database>=<key>@<epoch seconds>:<data source>,<data source>` (compactIds): not read again
   * while what search lists of them is unchanged, for a day (see DatabaseResolver).
   */
  databases: z.string().optional(),
  /** Known pages by compactId. */
  pages: z.record(z.string(), pageEntrySchema),
});
export type PageSweepState = z.output<typeof pageSweepStateSchema>;

export function initialPageSweepState(): PageSweepState {
  return { v: 1, cursor: null, scannedAt: null, pages: {} };
}

const MINUTE = 60_000;

/** An ISO time in whole epoch minutes, as page state keeps it (0: unknown). */
export function toEpochMinutes(iso: string | undefined): number {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / MINUTE);
}

/** The ISO time of a minute from page state (undefined for 0: unknown). */
export function fromEpochMinutes(minute: number): string | undefined {
  return minute > 0 ? new Date(minute * MINUTE).toISOString() : undefined;
}

/** True when `entry` records the version seen at `lastEditedTime` (trashed or not) as processed. */
function isProcessedVersion(entry: PageEntry, lastEditedTime: string | undefined, trashed: boolean): boolean {
  return (
    entry.p === undefined &&
    entry.u === undefined &&
    entry.t !== 0 &&
    entry.t === toEpochMinutes(lastEditedTime) &&
    (entry.d === 1) === trashed
  );
}

/** What a stream remembers of one page, read on access from its persisted entry. */
export class PageRecord {
  readonly #entry: PageEntry;

  constructor(entry: PageEntry) {
    this.#entry = entry;
  }

  /** The page's last_edited_time when processed, in epoch minutes (0: unknown). */
  get lastEditedMinute(): number {
    return this.#entry.t;
  }
  /** The page's last_edited_time when processed (minute precision), when known. */
  get lastEditedTime(): string | undefined {
    return fromEpochMinutes(this.#entry.t);
  }
  /** Read within the overlap window after its edit: an edit later that minute may be missing. */
  get unsettled(): boolean {
    return this.#entry.u === 1;
  }
  /** To process on the next sweep whatever its time. */
  get pending(): boolean {
    return this.#entry.p === 1;
  }
  /** In the trash when processed. */
  get trashed(): boolean {
    return this.#entry.d === 1;
  }
  /** Found only as a child_page block (discovery did not list it). */
  get hiddenChild(): boolean {
    return this.#entry.h === 1;
  }
  /** The state key (compactId) of its parent page, when tracked and a page. */
  get parentKey(): string | undefined {
    return this.#entry.q;
  }
  /** Its parent page's id, when tracked and a page. */
  get parentPageId(): string | undefined {
    return this.#entry.q === undefined ? undefined : expandId(this.#entry.q);
  }
  /** True when the state places it under `pageId`. */
  isChildOf(pageId: string): boolean {
    return this.#entry.q !== undefined && this.#entry.q === compactId(pageId);
  }
  /** The ids the stream captured under the page (blocks, comments), in order. */
  capturedIds(): string[] {
    return unpackIds(this.#entry.k);
  }
  /** True when this records the version seen at `lastEditedTime` (trashed or not) as processed. */
  isUnchanged(lastEditedTime: string | undefined, trashed: boolean): boolean {
    return isProcessedVersion(this.#entry, lastEditedTime, trashed);
  }
}

/** What `state` records of a page, if anything (for tests and tools; a sweep reads PageLedger). */
export function readPageRecord(state: PageSweepState, pageId: string): PageRecord | undefined {
  const entry = state.pages[compactId(pageId)];
  return entry === undefined ? undefined : new PageRecord(entry);
}

/** A page handler's read access to the sweep's state (persisted records overlaid with this sweep's). */
export interface PageSweepView {
  /** What the state records of a page, if anything. */
  page(pageId: string): PageRecord | undefined;
  /**
   * The ids among `candidates` that the state records as captured under a page other than
   * `pageId` (not in the trash): blocks that left `pageId` because they moved there. Decodes the
   * other pages' ids once per call, and only when there are candidates.
   */
  capturedByOtherPages(pageId: string, candidates: readonly string[]): Set<string>;
}

/** What the sweep writes of a processed page (see PageRecord for each field). */
export interface ProcessedPage {
  lastEditedMinute: number;
  unsettled: boolean;
  trashed: boolean;
  capturedIds: readonly string[] | undefined;
  /** Set only with `trackParents`. */
  parentPageId: string | undefined;
  hiddenChild: boolean;
}

/** A page from state to visit again, in the shape of a work item. */
export interface RevisitedPage {
  id: string;
  lastEditedTime: string | undefined;
  trashed: boolean;
  parentPageId: string | undefined;
  reason: 'pending' | 'scan';
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
    h: entry.h ?? null,
  };
}

/**
 * The known pages during one sweep: the persisted entries overlaid with the sweep's changes, and
 * the changes no checkpoint carries yet. Keys are compactIds. Loops over every page read the
 * entries in place (no object per page); a PageRecord is made only for the page asked for.
 */
export class PageLedger implements PageSweepView {
  readonly #persisted: Record<string, PageEntry>;
  /** The keys known when the sweep started, in state order. */
  readonly knownKeys: readonly string[];
  /** Entries changed by this sweep (null: removed), and those not yet in a checkpoint. */
  readonly #updates = new Map<string, PageEntry | null>();
  readonly #unsaved = new Map<string, PageEntry | null>();
  /** What the sweep remembers beside its pages. */
  readonly memory: SweepMemory;

  constructor(state: PageSweepState) {
    this.#persisted = state.pages;
    this.knownKeys = Object.keys(state.pages);
    this.memory = new SweepMemory(state);
  }

  #entry(key: string): PageEntry | undefined {
    return this.#updates.has(key) ? (this.#updates.get(key) ?? undefined) : this.#persisted[key];
  }

  #set(key: string, entry: PageEntry | null): void {
    this.#updates.set(key, entry);
    this.#unsaved.set(key, entry);
  }

  /** Every current entry (persisted ones not replaced, then this sweep's) until `visit` says stop. */
  #forEach(visit: (key: string, entry: PageEntry) => boolean | undefined): void {
    for (const key of this.knownKeys) {
      if (!this.#updates.has(key) && visit(key, this.#persisted[key]!) === false) return;
    }
    for (const [key, entry] of this.#updates) if (entry !== null && visit(key, entry) === false) return;
  }

  has(key: string): boolean {
    return this.#entry(key) !== undefined;
  }

  record(key: string): PageRecord | undefined {
    const entry = this.#entry(key);
    return entry === undefined ? undefined : new PageRecord(entry);
  }

  page(pageId: string): PageRecord | undefined {
    return this.record(compactId(pageId));
  }

  /** True when the page is known as processed at this version (see PageRecord.isUnchanged). */
  isUnchanged(key: string, lastEditedTime: string | undefined, trashed: boolean): boolean {
    const entry = this.#entry(key);
    return entry !== undefined && isProcessedVersion(entry, lastEditedTime, trashed);
  }

  capturedByOtherPages(pageId: string, candidates: readonly string[]): Set<string> {
    const found = new Set<string>();
    if (candidates.length === 0) return found;
    const wanted = new Set(candidates);
    const own = compactId(pageId);
    this.#forEach((key, entry) => {
      if (key === own || entry.k === undefined || entry.d === 1) return true;
      for (const id of unpackIds(entry.k)) {
        if (wanted.has(id)) {
          found.add(id);
          if (found.size === wanted.size) return false;
        }
      }
      return true;
    });
    return found;
  }

  /** Pages found only as child_page blocks, not in the trash: for the other page streams. */
  hiddenChildren(): FoundPage[] {
    const hidden: FoundPage[] = [];
    this.#forEach((key, entry) => {
      if (entry.h !== 1 || entry.d === 1) return true;
      hidden.push({
        id: expandId(key),
        lastEditedTime: fromEpochMinutes(entry.t),
        parentPageId: entry.q === undefined ? undefined : expandId(entry.q),
        reason: 'child',
      });
      return true;
    });
    return hidden;
  }

  /**
   * The pages known when the sweep started that are to be visited again: pending ones, and with
   * `listed` (a full enumeration's keys) the ones it did not list. `skip` leaves out pages queued
   * already.
   */
  forEachToRevisit(
    listed: ReadonlySet<string> | undefined,
    skip: (key: string) => boolean,
    revisit: (key: string, page: RevisitedPage) => void,
  ): void {
    for (const key of this.knownKeys) {
      const entry = this.#entry(key);
      if (entry === undefined || skip(key)) continue;
      const pending = entry.p === 1;
      if (!pending && (listed === undefined || listed.has(key))) continue;
      revisit(key, {
        id: expandId(key),
        lastEditedTime: fromEpochMinutes(entry.t),
        trashed: entry.d === 1,
        parentPageId: entry.q === undefined ? undefined : expandId(entry.q),
        reason: pending ? 'pending' : 'scan',
      });
    }
  }

  /**
   * Marks every page known at the start (not in the trash) pending; returns how many are pending
   * then (those pending already, from an earlier refresh not yet drained, included).
   */
  markAllPending(): number {
    let pending = 0;
    for (const key of this.knownKeys) {
      const entry = this.#persisted[key]!;
      if (entry.d === 1) continue;
      if (entry.p !== 1) this.#set(key, { ...entry, p: 1 });
      pending++;
    }
    return pending;
  }

  /** Marks a known page pending (a parent to re-read). */
  markPending(key: string): void {
    const entry = this.#entry(key);
    if (entry !== undefined) this.#set(key, { ...entry, p: 1 });
  }

  /** A child page met in a tree: pending, hidden (not listed), under `parentKey` when tracked. */
  addChildPage(key: string, lastEditedTime: string | undefined, parentKey: string | undefined): void {
    const entry: PageEntry = { t: toEpochMinutes(lastEditedTime), p: 1, h: 1 };
    if (parentKey !== undefined) entry.q = parentKey;
    this.#set(key, entry);
  }

  /** A processed page's new record. */
  setProcessed(key: string, page: ProcessedPage): void {
    const entry: PageEntry = { t: page.lastEditedMinute };
    if (page.unsettled) entry.u = 1;
    if (page.trashed) entry.d = 1;
    if (page.capturedIds !== undefined && page.capturedIds.length > 0) entry.k = packIds(page.capturedIds);
    if (page.parentPageId !== undefined) entry.q = compactId(page.parentPageId);
    if (page.hiddenChild) entry.h = 1;
    this.#set(key, entry);
  }

  /** A page whose processing failed: pending, at the time it was seen at, the rest as before. */
  setFailed(key: string, lastEditedTime: string | undefined, trashed: boolean): void {
    const prior = this.#entry(key);
    const retry: PageEntry = { ...prior, t: toEpochMinutes(lastEditedTime) || prior?.t || 0, p: 1 };
    if (trashed) retry.d = 1;
    else delete retry.d;
    this.#set(key, retry);
  }

  /** Forgets a page (it is gone). */
  remove(key: string): void {
    this.#set(key, null);
  }

  /** The `pages` member of a checkpoint: every change since the last one (then cleared). */
  takeUnsaved(): Record<string, Record<string, unknown> | null> {
    const pages: Record<string, Record<string, unknown> | null> = {};
    for (const [key, entry] of this.#unsaved) pages[key] = entryPatch(entry);
    this.#unsaved.clear();
    return pages;
  }
}
