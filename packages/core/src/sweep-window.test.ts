import { describe, expect, it } from 'vitest';
import { createStatePatchBatch, SWEEP_OVERLAP_MS, sweepWindow } from './sweep-window.js';

describe('sweepWindow', () => {
  it('re-emits everything on a backfill', () => {
    expect(sweepWindow(undefined, 1_000)).toEqual({
      backfill: true,
      startedAt: 1_000,
      overlapFrom: Number.NEGATIVE_INFINITY,
    });
  });

  it('re-emits what was edited from the last sweep start minus the overlap', () => {
    const sweptAt = '2026-01-01T00:10:00.000Z';
    const window = sweepWindow(sweptAt, 5_000);
    expect(window.backfill).toBe(false);
    expect(window.startedAt).toBe(5_000);
    expect(window.overlapFrom).toBe(Date.parse(sweptAt) - SWEEP_OVERLAP_MS);
    expect(sweepWindow(sweptAt, 5_000, 0).overlapFrom).toBe(Date.parse(sweptAt));
  });
});

describe('createStatePatchBatch', () => {
  it('is full after `every` changes and starts afresh on take', () => {
    const batch = createStatePatchBatch<number>(2);
    expect(batch.full).toBe(false);
    batch.record('a', 1);
    expect(batch.full).toBe(false);
    batch.record('b', null);
    expect(batch.full).toBe(true);
    expect(batch.take()).toEqual({ a: 1, b: null });
    expect(batch.full).toBe(false);
    expect(batch.take()).toEqual({});
  });

  it('counts every change, also repeated ids', () => {
    const batch = createStatePatchBatch<string>(2);
    batch.record('a', 'x');
    batch.record('a', 'y');
    expect(batch.full).toBe(true);
    expect(batch.take()).toEqual({ a: 'y' });
  });
});
