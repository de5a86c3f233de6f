import { createHash } from 'node:crypto';
import { type Clock, createSystemClock } from './clock.js';
import type { Logger } from './logger.js';

export interface RateLimiterStats {
  /** Requests let through (HTTP attempts, retries included). */
  requests: number;
  /** Attempts that were retries of an earlier one. */
  retries: number;
  /** 429 answers. */
  rateLimited: number;
  /** 529 answers. */
  overloaded: number;
  /** Retryable 5xx/409 answers. */
  serverErrors: number;
  /** Resets, timeouts, truncated bodies. */
  networkErrors: number;
  /** Total time requests spent waiting in acquire (summed over requests). */
  waitedMs: number;
  /** Total time the limiter was globally paused (429/529). */
  pausedMs: number;
  inFlight: number;
  /** The most requests ever in flight at once. */
  maxInFlight: number;
  /** Requests waiting in acquire now. */
  queued: number;
}

export interface RateLimiterOptions {
  /** The budget per 60 s window; may be spent in a burst. */
  requestsPerMinute: number;
  /** Bound on requests in flight. Default 32. */
  maxInFlight?: number;
  clock?: Clock;
  logger?: Logger;
  /** Length of the budget window. Default 60 s. */
  windowMs?: number;
  /**
   * Added to the window for clock differences between this process and the server. Default
   * 500 ms. Network delay needs no margin: a request counts against the window from the moment
   * it is sent until `windowMs` after its response came back, and it reached the server in between,
   * so no request of a later window can reach the server within `windowMs` of it.
   */
  safetyMarginMs?: number;
}

export interface RateLimiter {
  /** Waits for window budget, any global pause and an in-flight slot; returns release(). */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Global pause: no acquire resolves before now + ms (extends a pause, never shortens it). */
  pause(ms: number, reason: string): void;
  noteRetry(): void;
  noteRateLimited(code: 'rate_limited' | 'service_overload'): void;
  noteError(kind: 'server' | 'network'): void;
  stats(): RateLimiterStats;
}

interface Waiter {
  enqueuedAt: number;
  resolve: (release: () => void) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
}

/** A FIFO queue with O(1) push and shift. */
class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const budget = Math.floor(options.requestsPerMinute);
  if (!Number.isFinite(budget) || budget < 1) {
    throw new RangeError(`requestsPerMinute must be at least 1, got ${options.requestsPerMinute}`);
  }
  const inFlightLimit = Math.max(1, Math.floor(options.maxInFlight ?? 32));
  const clock = options.clock ?? createSystemClock();
  const logger = options.logger;
  const windowMs = (options.windowMs ?? 60_000) + (options.safetyMarginMs ?? 500);

  // Response times of the requests that count against the current window, oldest first. Requests
  // in flight count too (inFlight), from the moment they are sent.
  const completed = new Queue<number>();
  const waiters = new Queue<Waiter>();
  let inFlight = 0;
  let queued = 0;
  let pausedUntil = 0;
  let wake: { at: number; controller: AbortController } | undefined;
  const counters = {
    requests: 0,
    retries: 0,
    rateLimited: 0,
    overloaded: 0,
    serverErrors: 0,
    networkErrors: 0,
    waitedMs: 0,
    pausedMs: 0,
    maxInFlight: 0,
  };

  const prune = (now: number) => {
    for (
      let oldest = completed.peek();
      oldest !== undefined && oldest <= now - windowMs;
      oldest = completed.peek()
    ) {
      completed.shift();
    }
  };

  /**
   * The earliest time a request may be sent as far as pauses and the window budget go; Infinity
   * while the whole budget is in flight (a release pumps again).
   */
  const readyAt = (now: number): number => {
    if (now < pausedUntil) return pausedUntil;
    prune(now);
    if (completed.length + inFlight < budget) return now;
    const oldest = completed.peek();
    return oldest === undefined ? Number.POSITIVE_INFINITY : oldest + windowMs;
  };

  const makeRelease = (): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inFlight--;
      completed.push(clock.now());
      pump();
    };
  };

  const grant = (): (() => void) => {
    inFlight++;
    counters.requests++;
    if (inFlight > counters.maxInFlight) counters.maxInFlight = inFlight;
    return makeRelease();
  };

  const scheduleWake = (at: number) => {
    if (wake !== undefined) {
      if (wake.at === at) return;
      wake.controller.abort();
    }
    const controller = new AbortController();
    wake = { at, controller };
    clock.sleep(Math.max(0, at - clock.now()), controller.signal).then(
      () => {
        if (wake?.controller === controller) wake = undefined;
        pump();
      },
      () => {},
    );
  };

  function pump(): void {
    for (;;) {
      const waiter = waiters.peek();
      if (waiter === undefined) break;
      if (waiter.done) {
        waiters.shift();
        continue;
      }
      const now = clock.now();
      const at = readyAt(now);
      if (at === Number.POSITIVE_INFINITY) break; // the budget is in flight: a release pumps again
      if (at > now) {
        scheduleWake(at);
        return;
      }
      if (inFlight >= inFlightLimit) break; // a release pumps again
      waiters.shift();
      waiter.done = true;
      queued--;
      if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      counters.waitedMs += now - waiter.enqueuedAt;
      waiter.resolve(grant());
    }
    if (wake !== undefined) {
      wake.controller.abort();
      wake = undefined;
    }
  }

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const now = clock.now();
      if (waiters.length === 0 && inFlight < inFlightLimit && readyAt(now) <= now) {
        return Promise.resolve(grant());
      }
      return new Promise<() => void>((resolve, reject) => {
        const waiter: Waiter = { enqueuedAt: now, resolve, reject, signal, onAbort: undefined, done: false };
        if (signal !== undefined) {
          waiter.onAbort = () => {
            if (waiter.done) return;
            waiter.done = true;
            queued--;
            reject(signal.reason);
            pump();
          };
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
        waiters.push(waiter);
        queued++;
        pump();
      });
    },
    pause(ms, reason) {
      const now = clock.now();
      const until = now + Math.max(0, ms);
      if (until <= pausedUntil) return;
      counters.pausedMs += until - Math.max(now, pausedUntil);
      pausedUntil = until;
      logger?.warn('pausing all Notion requests', {
        reason,
        pauseMs: Math.max(0, ms),
        until: new Date(until),
      });
      pump();
    },
    noteRetry() {
      counters.retries++;
    },
    noteRateLimited(code) {
      if (code === 'service_overload') counters.overloaded++;
      else counters.rateLimited++;
    },
    noteError(kind) {
      if (kind === 'server') counters.serverErrors++;
      else counters.networkErrors++;
    },
    stats() {
      return { ...counters, inFlight, queued };
    },
  };
}

const shared = new Map<string, RateLimiter>();

/**
 * The one limiter of a token in this process (keyed by a hash of the token, never the token).
 * The options of the first call win.
 */
export function sharedRateLimiter(token: string, options: RateLimiterOptions): RateLimiter {
  const key = createHash('sha256').update(token).digest('hex');
  let limiter = shared.get(key);
  if (limiter === undefined) {
    limiter = createRateLimiter(options);
    shared.set(key, limiter);
  }
  return limiter;
}
