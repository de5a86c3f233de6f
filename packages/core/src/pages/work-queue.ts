import { compactId } from '../notion-ids.js';
import type { PageWorkItem } from './sweep-handler.js';

/** A processed work item: what `work` returned, or the error it failed with. */
export type SettledWork<O> =
  | { index: number; key: string; item: PageWorkItem; outcome: O }
  | { index: number; key: string; item: PageWorkItem; error: unknown };

/**
 * The pages of a sweep's second phase, and their scheduling: `concurrency` pages at once, never
 * more than `lookahead` pages past the oldest one not finished, in queue order. The listed pages
 * come first, sorted by last_edited_time (the cursor waits for the oldest of them not finished);
 * pages from state, child pages and parents follow. Each page is queued once per sweep (by state
 * key). A finished page below the oldest open one is let go, rather than holding every page of
 * the sweep.
 */
export class WorkQueue {
  readonly #concurrency: number;
  readonly #lookahead: number;
  readonly #items: Array<PageWorkItem | undefined> = [];
  /** Pages in the queue, by state key: queued, started or done. */
  readonly #status = new Map<string, 'queued' | 'started' | 'done'>();
  readonly #finished: boolean[] = [];
  readonly #running = new Map<number, Promise<SettledWork<unknown>>>();
  /** Listed pages: the first `#listedCount` items (set by `sortListed`). */
  #listedCount = 0;
  #oldestOpen = 0; // lowest index not finished
  #listedOpen = 0; // lowest listed index not finished
  #next = 0;

  constructor(concurrency: number, lookahead: number) {
    this.#concurrency = concurrency;
    this.#lookahead = lookahead;
  }

  get length(): number {
    return this.#items.length;
  }

  /** True when the page is in the queue (queued, started or done). */
  has(key: string): boolean {
    return this.#status.has(key);
  }

  /** True when the page is queued and not started yet. */
  isQueued(key: string): boolean {
    return this.#status.get(key) === 'queued';
  }

  add(key: string, item: PageWorkItem): void {
    this.#status.set(key, 'queued');
    this.#items.push(item);
  }

  /** Ends the listing: the items so far are the listed pages, processed oldest first. */
  sortListed(): void {
    this.#items.sort((a, b) => Date.parse(a!.lastEditedTime!) - Date.parse(b!.lastEditedTime!));
    this.#listedCount = this.#items.length;
  }

  /**
   * Starts what may start with `work`, then waits for the next page to settle; undefined when
   * nothing is left to run.
   */
  async next<O>(work: (item: PageWorkItem) => Promise<O>): Promise<SettledWork<O> | undefined> {
    while (
      this.#running.size < this.#concurrency &&
      this.#next < this.#items.length &&
      this.#next < this.#oldestOpen + this.#lookahead
    ) {
      this.#start(this.#next++, work);
    }
    if (this.#running.size === 0) return undefined;
    const settled = (await Promise.race(this.#running.values())) as SettledWork<O>;
    this.#running.delete(settled.index);
    this.#status.set(settled.key, 'done');
    return settled;
  }

  #start<O>(index: number, work: (item: PageWorkItem) => Promise<O>): void {
    const item = this.#items[index]!;
    const key = compactId(item.id);
    this.#status.set(key, 'started');
    this.#running.set(
      index,
      work(item).then(
        (outcome): SettledWork<O> => ({ index, key, item, outcome }),
        (error: unknown): SettledWork<O> => ({ index, key, item, error }),
      ),
    );
  }

  /** Marks a settled page finished (after its results are handled). */
  finish(index: number): void {
    this.#finished[index] = true;
    // Nothing reads an item below the oldest open one again (#listedOpen is never above
    // #oldestOpen while below #listedCount): let it go.
    while (this.#finished[this.#oldestOpen]) this.#items[this.#oldestOpen++] = undefined;
    while (this.#listedOpen < this.#listedCount && this.#finished[this.#listedOpen]) this.#listedOpen++;
  }

  /** The last_edited_time of the oldest listed page not finished; undefined when all are. */
  oldestOpenListed(): string | undefined {
    return this.#listedOpen < this.#listedCount ? this.#items[this.#listedOpen]!.lastEditedTime : undefined;
  }

  /** Stops: `abort` the pages in flight, and waits for them to settle. */
  async stop(abort: () => void): Promise<void> {
    if (this.#running.size === 0) return;
    abort();
    await Promise.allSettled(this.#running.values());
  }
}
