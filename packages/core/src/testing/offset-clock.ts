import { type Clock, sleepReal } from '../clock.js';

/** A clock that reads its time elsewhere plus `offsetMs`; sleeps are real. */
export interface OffsetClock extends Clock {
  /** Added to every `now()`: a test moves it forward to run the next sweep "later". */
  offsetMs: number;
}

/**
 * A clock following another time source, typically a local server's emulated clock
 * (`createOffsetClock(() => emulator.now())`), so that the stream's notion of "now" agrees with
 * the `last_edited_time`s the server stamps.
 */
export function createOffsetClock(now: () => number): OffsetClock {
  const clock: OffsetClock = {
    offsetMs: 0,
    now: () => now() + clock.offsetMs,
    sleep: (ms, signal) => sleepReal(ms, signal),
  };
  return clock;
}
