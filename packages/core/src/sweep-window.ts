/**
 * `last_edited_time` is rounded down to the minute: an edit made in the same minute as the read
 * that captured an object does not move it. Objects whose `last_edited_time` is at or after the
 * previous sweep's start minus this margin (one minute of rounding, one of clock skew) are emitted
 * again; the collection key dedupes.
 */
export const SWEEP_OVERLAP_MS = 120_000;

/** Where a sweep of a stream that keeps `sweptAt` in its state starts, and what it re-emits. */
export interface SweepWindow {
  /** No complete sweep yet. */
  backfill: boolean;
  /** Epoch ms at which this sweep started: its `sweptAt` once complete. */
  startedAt: number;
  /** Epoch ms: an object last edited at or after this is emitted again (-Infinity on a backfill). */
  overlapFrom: number;
}

export function sweepWindow(
  sweptAt: string | undefined,
  now: number,
  overlapMs = SWEEP_OVERLAP_MS,
): SweepWindow {
  return {
    backfill: sweptAt === undefined,
    startedAt: now,
    overlapFrom: sweptAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(sweptAt) - overlapMs,
  };
}

/**
 * Changes to a stream's `id → value` state map since the last checkpoint (`null`: the object is
 * gone). `full` once `every` changes are waiting; `take()` hands them over and starts afresh.
 */
export interface StatePatchBatch<V> {
  record(id: string, value: V | null): void;
  readonly full: boolean;
  take(): Record<string, V | null>;
}

export function createStatePatchBatch<V>(every: number): StatePatchBatch<V> {
  let pending: Record<string, V | null> = {};
  let count = 0;
  return {
    record(id, value) {
      pending[id] = value;
      count += 1;
    },
    get full() {
      return count >= every;
    },
    take() {
      const taken = pending;
      pending = {};
      count = 0;
      return taken;
    },
  };
}
