import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../merge-patch.js';
import {
  fakeWorkspace,
  id,
  iso,
  MINUTE,
  manualClock,
  recordingHandler,
  sweepPages as sweep,
  T0,
} from '../testing/fake-page-workspace.js';
import { createFakeStreamContext } from '../testing/fake-stream-context.js';
import type { RefreshTarget } from '../webhooks.js';
import { initialPageSweepState, type PageSweepState, readPageRecord } from './page-state.js';
import { runPageSweep } from './page-sweep.js';
import type { PageSweepHandler } from './sweep-handler.js';
import { planSweep, WEBHOOK_SAFETY_NET_INTERVAL_MS } from './sweep-plan.js';

async function targeted(
  workspace: ReturnType<typeof fakeWorkspace>,
  clock: ReturnType<typeof manualClock>,
  state: PageSweepState,
  handler: PageSweepHandler,
  targets: RefreshTarget[],
) {
  const ctx = {
    ...createFakeStreamContext({ sdk: workspace.sdk, config: { start_date: '2020-01-01T00:00:00.000Z' } }),
    clock,
    targets,
  };
  let current = state;
  const docs: unknown[] = [];
  for await (const event of runPageSweep(ctx, state, handler, { concurrency: 1 })) {
    if ('doc' in event) docs.push(event.doc);
    else if ('checkpoint' in event) current = applyMergePatch(current, event.checkpoint) as PageSweepState;
  }
  return { state: current, docs };
}

describe('runPageSweep with targets (a targeted sweep)', () => {
  it('refreshes only the pages named, without a listing, and leaves the cursor and scan times', async () => {
    const clock = manualClock(T0);
    const pages = [1, 2, 3].map((n) => ({ id: id(n), edited: T0 - 60 * MINUTE }));
    const ws = fakeWorkspace(pages);
    const backfill = await sweep(ws, clock, initialPageSweepState(), recordingHandler());
    clock.advance(10 * MINUTE);
    pages[1]!.edited = clock.now();
    ws.requests.length = 0;
    const handler = recordingHandler();
    const result = await targeted(ws, clock, backfill.state, handler, [
      { kind: 'page', id: id(2) },
      // Named but unchanged since it was processed: one GET, nothing more.
      { kind: 'page', id: id(3) },
    ]);
    expect(handler.processed.map((p) => p.item.id)).toEqual([id(2)]);
    expect(handler.processed[0]?.item.reason).toBe('signal');
    expect(ws.requests.map((r) => r.path).sort()).toEqual([`pages/${id(2)}`, `pages/${id(3)}`]);
    expect(result.state.cursor).toBe(backfill.state.cursor);
    expect(result.state.scannedAt).toBe(backfill.state.scannedAt);
    expect(readPageRecord(result.state, id(2))?.lastEditedTime).toBe(iso(pages[1]!.edited));
  });

  it('processes a page whose comments were named although its version did not move, and deletes a page that answers 404', async () => {
    const clock = manualClock(T0);
    const pages = [1, 2].map((n) => ({ id: id(n), edited: T0 - 60 * MINUTE }));
    const ws = fakeWorkspace(pages);
    const backfill = await sweep(ws, clock, initialPageSweepState(), recordingHandler());
    clock.advance(10 * MINUTE);
    ws.pages.splice(1, 1); // page 2 purged
    ws.requests.length = 0;
    const handler = recordingHandler();
    const result = await targeted(ws, clock, backfill.state, handler, [
      { kind: 'page', id: id(1) },
      { kind: 'comments', id: id(1) },
      { kind: 'page', id: id(2) },
      { kind: 'data_source', id: id(900) },
    ]);
    // Page 1 once (its comments named: processed though unchanged, with no GET of its own).
    expect(handler.processed.map((p) => [p.item.id, p.item.signal])).toEqual([[id(1), 'comments']]);
    expect(result.docs).toContainEqual({ id: id(2), _meta: { op: 'd' } });
    expect(readPageRecord(result.state, id(2))).toBeUndefined();
    expect(ws.requests.map((r) => r.path)).toEqual([`pages/${id(2)}`]);
  });

  it('with webhooks on, spaces deletion scans and full refreshes a week apart', () => {
    const state = { ...initialPageSweepState(), cursor: iso(T0), scannedAt: T0, refreshedAt: T0 };
    const day = 24 * 60 * MINUTE;
    const options = { refreshIntervalMs: day, deletionScanIntervalMs: 60 * MINUTE };
    const off = planSweep(state, 10, options, T0 + 2 * day, '2020-01-01T00:00:00Z');
    expect(off.scan && off.refresh).toBe(true);
    const on = planSweep(state, 10, options, T0 + 2 * day, '2020-01-01T00:00:00Z', 180, true);
    expect(on.scan || on.refresh).toBe(false);
    const week = planSweep(
      state,
      10,
      options,
      T0 + WEBHOOK_SAFETY_NET_INTERVAL_MS,
      '2020-01-01T00:00:00Z',
      180,
      true,
    );
    expect(week.scan && week.refresh).toBe(true);
  });
});
