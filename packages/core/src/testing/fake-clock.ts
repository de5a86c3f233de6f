import type { Clock } from '../clock.js';

/** A manually driven clock for deterministic timing tests. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, firing due sleepers in time order and flushing microtasks after each. */
  advance(ms: number): Promise<void>;
  /** How many sleepers are waiting. */
  pending(): number;
  /** When the earliest sleeper is due, if any. */
  nextDue(): number | undefined;
  /**
   * Drives `promise` to completion: lets real I/O run, and whenever `idle()` says nothing real is
   * in progress (default: always), jumps to the next due sleeper. Rejects after `maxSteps` jumps.
   */
  runUntil<T>(promise: Promise<T>, options?: RunUntilOptions): Promise<T>;
}

export interface RunUntilOptions {
  /** True when no real I/O is in progress, so time may jump (e.g. `() => limiter.stats().inFlight === 0`). */
  idle?: () => boolean;
  maxSteps?: number;
}

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createFakeClock(startMs = Date.UTC(2025, 0, 1)): FakeClock {
  let now = startMs;
  let seq = 0;
  const sleepers: Sleeper[] = [];

  const earliest = (): Sleeper | undefined => {
    let best: Sleeper | undefined;
    for (const s of sleepers) {
      if (best === undefined || s.at < best.at || (s.at === best.at && s.seq < best.seq)) best = s;
    }
    return best;
  };

  const remove = (sleeper: Sleeper) => {
    const index = sleepers.indexOf(sleeper);
    if (index >= 0) sleepers.splice(index, 1);
  };

  const clock: FakeClock = {
    now: () => now,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const sleeper: Sleeper = {
          at: now + Math.max(0, ms),
          seq: seq++,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          remove(sleeper);
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        sleepers.push(sleeper);
      });
    },
    async advance(ms) {
      const target = now + Math.max(0, ms);
      await macrotask();
      for (;;) {
        const next = earliest();
        if (next === undefined || next.at > target) break;
        now = Math.max(now, next.at);
        remove(next);
        next.resolve();
        await macrotask();
      }
      now = target;
      await macrotask();
    },
    pending: () => sleepers.length,
    nextDue: () => earliest()?.at,
    async runUntil(promise, options = {}) {
      const idle = options.idle ?? (() => true);
      const maxSteps = options.maxSteps ?? 100_000;
      let settled = false;
      const tracked = promise.then(
        (value) => {
          settled = true;
          return value;
        },
        (error: unknown) => {
          settled = true;
          throw error;
        },
      );
      // Keep an early rejection from being reported as unhandled while we drive time.
      tracked.catch(() => {});
      let steps = 0;
      while (!settled) {
        await macrotask();
        if (settled) break;
        const due = earliest();
        if (due !== undefined && idle()) {
          if (++steps > maxSteps) throw new Error(`fake clock: promise not settled after ${maxSteps} steps`);
          await clock.advance(Math.max(0, due.at - now));
        } else {
          // Real I/O in progress (or nothing scheduled yet): give it a real moment.
          await new Promise<void>((resolve) => setTimeout(resolve, 1));
        }
      }
      return tracked;
    },
  };
  return clock;
}
