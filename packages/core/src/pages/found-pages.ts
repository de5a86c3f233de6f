import { compactId } from '../notion-ids.js';
import type { NotionPage } from './page-objects.js';

/**
 * A page one sweep found that discovery (search, data source queries) did not list, handed to
 * every page sweep of the capture:
 * - `child`: met as a `child_page` block in a tree;
 * - `row`: a data source row found late (a data source met as a `child_database` block);
 * - `parent`: the parent of a found page that nobody had found, fetched (climbing);
 * - `vanished`: a known child page whose `child_page` block vanished from its parent's re-read
 *   tree, checked with one GET: `page` is what the GET returned (in the trash, or moved), `gone`
 *   that it answered 404.
 */
export interface FoundPage {
  id: string;
  /** The page's (or its child_page block's) last_edited_time, when known. */
  lastEditedTime?: string | undefined;
  /** The parent page's id, when the parent is a page. */
  parentPageId?: string | undefined;
  /** The page object, when the finder has it (held only until every running sweep read it). */
  page?: NotionPage | undefined;
  /** When (clock ms) `page` was read. */
  readAt?: number | undefined;
  trashed?: boolean | undefined;
  /** With reason 'vanished': the page answered 404 (purged, or no longer shared). */
  gone?: boolean | undefined;
  reason: 'child' | 'row' | 'parent' | 'vanished';
}

/** One page sweep's end of the channel: join at the start of the sweep, leave at its end. */
export interface FoundPagesReader {
  /**
   * What others published since the last take, oldest first (the first take also returns every
   * page found earlier in the capture: `child` and `parent` pages, ids only).
   */
  take(): FoundPage[];
  /** Publishes pages this sweep found (it does not read them back). */
  publish(pages: Iterable<FoundPage>): void;
  /**
   * This sweep has nothing left to do: resolves true as soon as there is something to take, false
   * once every sweep of the capture is idle with nothing unread and no climb in flight (then
   * every waiting sweep finishes). Rejects when `signal` aborts.
   */
  idle(signal: AbortSignal): Promise<boolean>;
  /** Ends this sweep's part (the others stop waiting for it). */
  leave(): void;
}

/**
 * Pages found outside discovery, shared by the page sweeps of one capture WHILE they run: a sweep
 * whose queue is empty waits while another sweep of the capture may still publish. Memory: an id
 * and a few fields per `child`/`parent` page for the life of the capture (a later sweep reads them
 * at once), and entries with page objects only until every running sweep has read them.
 */
export interface FoundPages {
  /** A sweep's reader (registered at once: the others wait for it until it is idle or leaves). */
  join(): FoundPagesReader;
  /** Publishes pages found outside any sweep (late rows, climbs). */
  publish(pages: Iterable<FoundPage>): void;
  /** Pages found in an earlier process (a sweep's state): later readers get them, nobody is woken. */
  remember(pages: Iterable<FoundPage>): void;
  /** The readers do not finish while `work` runs (a climb in flight, which publishes when done). */
  hold<T>(work: Promise<T>): Promise<T>;
  /** Claims a page to fetch for the capture: true the first time it is asked (until released). */
  claim(pageId: string): boolean;
  /** Gives a claim back (its fetch failed: a later sweep may try again). */
  release(pageId: string): void;
  /** Every `child` and `parent` page found so far (ids only). */
  list(): FoundPage[];
  /**
   * Notes what a check of known pages found at `at` (clock ms): a scan's GET (its time and trash
   * flag, or 404), or a tree walked that still lists their child_page blocks (alive; time unknown).
   */
  noteChecked(pages: Iterable<CheckedPage>, at: number): void;
  /** What the capture's latest check of a page found, when it was made at or after `since`. */
  checked(pageId: string, since: number): CheckedPage | undefined;
}

/** What a check of a known page found (see FoundPages.noteChecked). */
export interface CheckedPage {
  id: string;
  /** Undefined when only a tree showed it (its child_page block is there: it is not in the trash). */
  lastEditedTime?: string | undefined;
  trashed: boolean;
  gone: boolean;
}

/** Check results kept at most (the oldest are forgotten first): ~100 bytes each. */
const MAX_CHECKED = 100_000;

interface Entry {
  seq: number;
  from: number;
  page: FoundPage;
}

interface ReaderState {
  id: number;
  /** Next log sequence to read. */
  position: number;
  /** Pages found before it joined, returned by the first take. */
  backlog: FoundPage[] | undefined;
  idle: boolean;
  wake: ((more: boolean) => void) | undefined;
}

/** The compact form kept for later readers: no page object. */
function compact(page: FoundPage): FoundPage {
  const kept: FoundPage = { id: page.id, reason: page.reason };
  if (page.lastEditedTime !== undefined) kept.lastEditedTime = page.lastEditedTime;
  if (page.parentPageId !== undefined) kept.parentPageId = page.parentPageId;
  return kept;
}

export function createFoundPages(): FoundPages {
  const catalog = new Map<string, FoundPage>();
  const claimed = new Set<string>();
  const checks = new Map<string, { at: number; page: CheckedPage }>();
  const readers = new Map<number, ReaderState>();
  const log: Entry[] = [];
  let nextSeq = 0;
  let nextReader = 1;
  let holds = 0;

  const hasUnread = (reader: ReaderState): boolean => {
    if (reader.backlog !== undefined && reader.backlog.length > 0) return true;
    for (let i = log.length - 1; i >= 0 && log[i]!.seq >= reader.position; i--)
      if (log[i]!.from !== reader.id) return true;
    return false;
  };

  /** Drops log entries every reader has read. */
  const trim = () => {
    let low = nextSeq;
    for (const reader of readers.values()) low = Math.min(low, reader.position);
    let drop = 0;
    while (drop < log.length && log[drop]!.seq < low) drop++;
    if (drop > 0) log.splice(0, drop);
  };

  const wake = (reader: ReaderState, more: boolean) => {
    const resolve = reader.wake;
    if (resolve === undefined) return;
    reader.wake = undefined;
    if (more) reader.idle = false;
    resolve(more);
  };

  /** Every reader idle, nothing unread, nothing held: every waiting reader finishes. */
  const settle = () => {
    if (holds > 0) return;
    for (const reader of readers.values()) if (!reader.idle || hasUnread(reader)) return;
    for (const reader of readers.values()) wake(reader, false);
  };

  const publish = (from: number, pages: Iterable<FoundPage>) => {
    let added = false;
    for (const page of pages) {
      if (page.reason === 'child' || page.reason === 'parent') {
        const key = compactId(page.id);
        if (!catalog.has(key)) catalog.set(key, compact(page));
      }
      if (readers.size > (readers.has(from) ? 1 : 0)) {
        log.push({ seq: nextSeq++, from, page });
        added = true;
      }
    }
    if (!added) return;
    for (const reader of readers.values()) if (reader.id !== from && reader.idle) wake(reader, true);
  };

  return {
    join() {
      const state: ReaderState = {
        id: nextReader++,
        position: nextSeq,
        backlog: [...catalog.values()],
        idle: false,
        wake: undefined,
      };
      readers.set(state.id, state);
      return {
        take() {
          const taken = state.backlog ?? [];
          state.backlog = undefined;
          // The log is in sequence order without gaps: start at this reader's position.
          const start = Math.max(0, state.position - (log[0]?.seq ?? nextSeq));
          for (let i = start; i < log.length; i++) {
            const entry = log[i]!;
            if (entry.from !== state.id) taken.push(entry.page);
          }
          state.position = nextSeq;
          trim();
          return taken;
        },
        publish: (pages) => publish(state.id, pages),
        idle(signal) {
          signal.throwIfAborted();
          if (hasUnread(state)) return Promise.resolve(true);
          state.idle = true;
          return new Promise<boolean>((resolve, reject) => {
            const onAbort = () => {
              state.wake = undefined;
              reject(signal.reason);
            };
            signal.addEventListener('abort', onAbort, { once: true });
            state.wake = (more) => {
              signal.removeEventListener('abort', onAbort);
              resolve(more);
            };
            settle();
          });
        },
        leave() {
          if (!readers.delete(state.id)) return;
          wake(state, false);
          trim();
          settle();
        },
      };
    },
    publish: (pages) => publish(0, pages),
    remember(pages) {
      for (const page of pages) {
        const key = compactId(page.id);
        if (!catalog.has(key)) catalog.set(key, compact(page));
      }
    },
    async hold(work) {
      holds++;
      try {
        return await work;
      } finally {
        holds--;
        settle();
      }
    },
    claim(pageId) {
      const key = compactId(pageId);
      if (claimed.has(key) || catalog.has(key)) return false;
      claimed.add(key);
      return true;
    },
    release: (pageId) => void claimed.delete(compactId(pageId)),
    list: () => [...catalog.values()],
    noteChecked(pages, at) {
      for (const page of pages) {
        const key = compactId(page.id);
        const prior = checks.get(key);
        if (prior !== undefined && prior.at > at) continue;
        checks.delete(key);
        checks.set(key, { at, page });
      }
      for (const key of checks.keys()) {
        if (checks.size <= MAX_CHECKED) break;
        checks.delete(key);
      }
    },
    checked(pageId, since) {
      const check = checks.get(compactId(pageId));
      return check !== undefined && check.at >= since ? check.page : undefined;
    },
  };
}
