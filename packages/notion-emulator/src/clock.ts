/** Emulated time: runs `scale` times faster than real time, starting at `startMs`. */
export interface EmulatedClock {
  readonly scale: number;
  now(): number;
  /** Real milliseconds that `emulatedMs` of emulated time take. */
  toRealMs(emulatedMs: number): number;
}

export interface EmulatedClockOptions {
  startMs?: number;
  scale?: number;
  /** Real clock (tests may inject one). */
  realNow?: () => number;
}

export function createEmulatedClock(options: EmulatedClockOptions = {}): EmulatedClock {
  const realNow = options.realNow ?? (() => Date.now());
  const scale = options.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new RangeError(`timeScale must be a positive number, got ${scale}`);
  const realStart = realNow();
  const start = options.startMs ?? realStart;
  return {
    scale,
    now: () => Math.floor(start + (realNow() - realStart) * scale),
    toRealMs: (emulatedMs) => emulatedMs / scale,
  };
}
