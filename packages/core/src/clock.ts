/** Time as the connector sees it: injectable so tests run under a fake clock and benches faster. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with `signal.reason` when the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface SystemClockOptions {
  /** Emulated time runs this many times faster than real time (tests and benchmarks only). */
  scale?: number;
  /**
   * Epoch ms the clock reads when created (default: real now): sessions of a benchmark carry on
   * one emulated clock (tests and benchmarks only).
   */
  startMs?: number;
}

/** Node's timers overflow past 2^31-1 ms; longer sleeps are chained. */
const MAX_TIMER_MS = 2_147_483_647;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Sleeps `realMs` real milliseconds, abortable. */
export function sleepReal(realMs: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    let remaining = Math.max(0, realMs);
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (timer !== undefined) clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const arm = () => {
      const step = Math.min(remaining, MAX_TIMER_MS);
      remaining -= step;
      timer = setTimeout(() => {
        if (remaining > 0) {
          arm();
          return;
        }
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, step);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

/**
 * The real clock, optionally scaled and started elsewhere: now() = start + realElapsed × scale;
 * sleep(ms) waits ms / scale.
 */
export function createSystemClock(options: SystemClockOptions = {}): Clock {
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new RangeError(`clock scale must be a positive number, got ${scale}`);
  }
  if (scale === 1 && options.startMs === undefined) {
    return { now: () => Date.now(), sleep: (ms, signal) => sleepReal(ms, signal) };
  }
  const startWall = options.startMs ?? Date.now();
  const startMono = performance.now();
  return {
    now: () => Math.floor(startWall + (performance.now() - startMono) * scale),
    sleep: (ms, signal) => sleepReal(ms / scale, signal),
  };
}
