import { describe, expect, it } from 'vitest';
import { initialPageSweepState } from './page-state.js';
import { MIN_PENDING_PER_SWEEP, planSweep } from './sweep-plan.js';

const MINUTE = 60_000;
const NOW = Date.UTC(2025, 5, 1, 10, 0, 0);
const START = '2024-01-01T00:00:00.000Z';
const iso = (ms: number) => new Date(ms).toISOString();

describe('planSweep', () => {
  it('backfills from start_date without a cursor', () => {
    const plan = planSweep(initialPageSweepState(), 0, {}, NOW, START);
    expect(plan).toMatchObject({
      backfill: true,
      scan: false,
      refresh: false,
      since: START,
      searchSince: START,
    });
    expect([plan.concurrency, plan.lookahead, plan.checkpointEvery, plan.unit]).toEqual([8, 200, 1, 'pages']);
  });

  it('lists from the cursor less the overlaps, and scans or refreshes when due', () => {
    const state = {
      ...initialPageSweepState(),
      cursor: iso(NOW - 60 * MINUTE),
      scannedAt: NOW - 10 * MINUTE,
    };
    const plan = planSweep(state, 5, {}, NOW, START);
    expect(plan).toMatchObject({
      backfill: false,
      scan: false,
      refresh: false,
      since: iso(NOW - 62 * MINUTE),
      searchSince: iso(NOW - 75 * MINUTE),
    });
    const scan = planSweep({ ...state, scannedAt: NOW - 60 * MINUTE }, 5, {}, NOW, START);
    expect(scan).toMatchObject({ scan: true, since: START, searchSince: START });
    // Nothing known: nothing to scan for.
    expect(planSweep({ ...state, scannedAt: null }, 0, {}, NOW, START).scan).toBe(false);
    const refresh = planSweep(state, 5, { refreshIntervalMs: 60 * MINUTE }, NOW, START);
    expect(refresh.refresh).toBe(true);
    expect(
      planSweep({ ...state, refreshedAt: NOW - MINUTE }, 5, { refreshIntervalMs: 60 * MINUTE }, NOW, START)
        .refresh,
    ).toBe(false);
  });

  it('never lists before start_date, and keeps lookahead at least the concurrency', () => {
    const state = { ...initialPageSweepState(), cursor: '2023-06-01T00:00:00.000Z', scannedAt: NOW };
    const plan = planSweep(state, 1, { concurrency: 50, lookahead: 10, searchOverlapMs: 0 }, NOW, START);
    expect([plan.since, plan.searchSince, plan.lookahead]).toEqual([START, START, 50]);
  });

  it('stretches the scan and refresh intervals so they stay within their share of the rate budget', () => {
    const state = {
      ...initialPageSweepState(),
      cursor: iso(NOW - 60 * MINUTE),
      scannedAt: NOW - 61 * MINUTE,
      refreshedAt: NOW - 25 * 60 * MINUTE,
    };
    const options = { refreshIntervalMs: 24 * 60 * MINUTE };
    // Cheap scans and refreshes: the configured intervals.
    const cheap = planSweep({ ...state, scanCost: 100, refreshCost: 500 }, 5, options, NOW, START, 180);
    expect([cheap.scan, cheap.refresh, cheap.scanStretchMs, cheap.refreshStretchMs]).toEqual([
      true,
      true,
      0,
      0,
    ]);
    // A 50,000-page workspace: a scan of 1,000 requests at 1.5% of 180/min is due every 370.4
    // minutes; a refresh of 50,000 requests at 10% every 2,777.8 minutes (46 hours).
    const large = planSweep({ ...state, scanCost: 1_000, refreshCost: 50_000 }, 5, options, NOW, START, 180);
    expect([large.scan, large.refresh]).toEqual([false, false]);
    expect(Math.round(large.scanStretchMs / MINUTE)).toBe(370 - 60);
    expect(Math.round(large.refreshIntervalMs! / MINUTE)).toBe(2778);
    const due = planSweep(
      {
        ...state,
        scannedAt: NOW - 371 * MINUTE,
        refreshedAt: NOW - 2_778 * MINUTE,
        scanCost: 1_000,
        refreshCost: 50_000,
      },
      5,
      options,
      NOW,
      START,
      180,
    );
    expect([due.scan, due.refresh]).toEqual([true, true]);
    // A larger budget stretches less; an infinite share never.
    expect(planSweep({ ...state, scanCost: 1_000 }, 5, {}, NOW, START, 1_800).scan).toBe(true);
    expect(
      planSweep({ ...state, scanCost: 1e9 }, 5, { scanBudgetShare: Number.POSITIVE_INFINITY }, NOW, START)
        .scan,
    ).toBe(true);
  });

  it('limits the pending pages a sweep of a stream with a refresh does to the refresh share since the last sweep', () => {
    const state = { ...initialPageSweepState(), cursor: iso(NOW - MINUTE), scannedAt: NOW };
    const options = { refreshIntervalMs: 24 * 60 * MINUTE };
    // 10% of 180 a minute over the 5 minutes since the last sweep; at least MIN_PENDING_PER_SWEEP.
    expect(planSweep({ ...state, sweptAt: NOW - 5 * MINUTE }, 5, options, NOW, START, 180).pendingLimit).toBe(
      90,
    );
    expect(planSweep({ ...state, sweptAt: NOW - MINUTE }, 5, options, NOW, START, 180).pendingLimit).toBe(
      MIN_PENDING_PER_SWEEP,
    );
    // No refresh, no earlier sweep, or a backfill: no limit.
    expect(planSweep({ ...state, sweptAt: NOW - MINUTE }, 5, {}, NOW, START).pendingLimit).toBeUndefined();
    expect(planSweep(state, 5, options, NOW, START).pendingLimit).toBeUndefined();
    expect(planSweep(initialPageSweepState(), 0, options, NOW, START).pendingLimit).toBeUndefined();
  });
});
