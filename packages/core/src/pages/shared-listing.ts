import type { Clock } from '../clock.js';

/**
 * How a listing's entries carry their objects: a shared listing keeps each entry, and its whole
 * object only while some reader still needs it (see SharedListings).
 */
export interface ObjectPolicy<T> {
  has(entry: T): boolean;
  /** The entry without its object (what every reader can do with). */
  drop(entry: T): T;
}

export interface SharedListingsOptions {
  clock: Clock;
  /** How long a finished listing may be replayed. */
  reuseWindowMs: number;
  /** Objects each listing keeps regardless of readers. */
  retainedObjects: number;
  /** Aborting it cancels the timers that forget finished listings. */
  signal?: AbortSignal | undefined;
}

/** One listing, read by any number of readers at their own pace. */
export interface ListingRun<T> {
  startedAt: number;
  entries: T[];
  /** Entries below this index had their objects dropped (or were checked). */
  prunedTo: number;
  /** Some entry was stored or kept without its object. */
  dropped: boolean;
  readers: Set<Reader>;
  done: boolean;
  failed: boolean;
  error?: unknown;
  finishedAt: number;
  controller: AbortController;
  waiters: Array<() => void>;
}

interface Reader {
  position: number;
  needsObjects: boolean;
}

/**
 * Listings of one kind (page discoveries, data source listings) that several readers share: a
 * listing runs once, in the background, and each reader reads its entries at its own pace. A
 * listing is replayable while it runs and for `reuseWindowMs` after it ends, then forgotten (a
 * timer, so that its entries do not stay in memory until the next listing). Objects are kept for
 * the first `retainedObjects` entries, and beyond only until every reader that needs them has
 * read them. A listing every reader abandoned is stopped and never replayed.
 */
export class SharedListings<T, R extends ListingRun<T> = ListingRun<T>> {
  readonly #options: SharedListingsOptions;
  readonly #objects: ObjectPolicy<T>;
  #runs: R[] = [];
  /** Listings started before this clock time are not replayed (see notBefore). */
  #notBefore = Number.NEGATIVE_INFINITY;

  constructor(options: SharedListingsOptions, objects: ObjectPolicy<T>) {
    this.#options = options;
    this.#objects = objects;
  }

  /** The listings still worth replaying: not failed, and running or within the reuse window. */
  replayable(): R[] {
    const { clock, reuseWindowMs } = this.#options;
    const now = clock.now();
    this.#runs = this.#runs.filter(
      (run) =>
        !run.failed &&
        run.startedAt >= this.#notBefore &&
        (!run.done || now - run.finishedAt <= reuseWindowMs),
    );
    return this.#runs;
  }

  /**
   * Listings started before `at` (clock ms) are no longer replayed: something changed then (a
   * webhook event named an object), and a listing older than the change may not show it.
   */
  notBefore(at: number): void {
    this.#notBefore = Math.max(this.#notBefore, at);
  }

  /** A new listing's run (started now); `start` then fills it. */
  newRun(): ListingRun<T> {
    return {
      startedAt: this.#options.clock.now(),
      entries: [],
      prunedTo: 0,
      dropped: false,
      readers: new Set(),
      done: false,
      failed: false,
      finishedAt: 0,
      controller: new AbortController(),
      waiters: [],
    };
  }

  /** Stores what `listing` yields into `run`, in the background, and offers it for replays. */
  start(run: R, listing: AsyncIterable<T>): void {
    const { clock } = this.#options;
    const retained = this.#options.retainedObjects;
    void (async () => {
      try {
        for await (const found of listing) {
          const index = run.entries.length;
          const keep =
            index < retained || [...run.readers].some((r) => r.needsObjects && r.position <= index);
          if (!keep && this.#objects.has(found)) run.dropped = true;
          run.entries.push(keep ? found : this.#objects.drop(found));
          wake(run);
        }
      } catch (error) {
        run.error = error;
        run.failed = true;
      } finally {
        run.done = true;
        run.finishedAt = clock.now();
        this.#prune(run);
        wake(run);
        this.#expire(run);
      }
    })();
    this.#runs.push(run);
  }

  /** The entries of `run` that `include` accepts, as the listing yields them. */
  read(
    run: R,
    needsObjects: boolean,
    include: (entry: T) => boolean,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<T, void, undefined> {
    const reader: Reader = { position: 0, needsObjects };
    run.readers.add(reader);
    return this.#read(run, reader, include, signal);
  }

  async *#read(
    run: R,
    reader: Reader,
    include: (entry: T) => boolean,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<T, void, undefined> {
    try {
      for (;;) {
        while (reader.position < run.entries.length) {
          const entry = run.entries[reader.position++]!;
          if (reader.position % 100 === 0) this.#prune(run);
          if (include(entry)) yield entry;
        }
        if (run.error !== undefined) throw run.error;
        if (run.done) return;
        signal?.throwIfAborted();
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => reject(signal!.reason);
          signal?.addEventListener('abort', onAbort, { once: true });
          run.waiters.push(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      }
    } finally {
      this.#detach(run, reader);
    }
  }

  /** Drops objects no attached reader that needs them will read any more. */
  #prune(run: R): void {
    let limit = run.entries.length;
    for (const reader of run.readers) {
      if (reader.needsObjects) limit = Math.min(limit, reader.position);
    }
    for (let i = Math.max(run.prunedTo, this.#options.retainedObjects); i < limit; i++) {
      const entry = run.entries[i]!;
      if (this.#objects.has(entry)) {
        run.entries[i] = this.#objects.drop(entry);
        run.dropped = true;
      }
    }
    run.prunedTo = Math.max(run.prunedTo, limit);
  }

  #detach(run: R, reader: Reader): void {
    run.readers.delete(reader);
    if (!run.done && run.readers.size === 0) {
      // Nobody reads it any more: stop listing, and never replay a partial listing.
      run.failed = true;
      run.controller.abort(new Error('listing abandoned by every reader'));
    } else {
      this.#prune(run);
    }
  }

  /**
   * A finished listing is replayed for reuseWindowMs only: forget it then, rather than at the next
   * listing (the next sweep, maybe a day later), so that its entries and objects do not stay in
   * memory until then. Readers still attached keep their own reference.
   */
  #expire(run: R): void {
    const { clock, reuseWindowMs, signal } = this.#options;
    clock.sleep(reuseWindowMs + 1, signal).then(
      () => {
        if (clock.now() - run.finishedAt <= reuseWindowMs) return;
        this.#runs = this.#runs.filter((r) => r !== run);
      },
      () => {},
    );
  }
}

function wake(run: ListingRun<unknown>): void {
  const waiters = run.waiters;
  run.waiters = [];
  for (const resolve of waiters) resolve();
}
