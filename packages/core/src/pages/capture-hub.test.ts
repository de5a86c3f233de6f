import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../testing/fake-clock.js';
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
import { createCaptureHub } from './capture-hub.js';
import { initialPageSweepState, readPageRecord } from './page-state.js';
import type { PageSweepHandler } from './sweep-handler.js';

describe('CaptureHub', () => {
  it('makes one listing for the page streams sweeping at once', async () => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace(
      [1, 2, 3].map((n) => ({
        id: id(n),
        edited: T0 - n * 10 * MINUTE,
        dataSource: n === 3 ? id(900) : undefined,
      })),
      [id(900), id(901)],
    );
    const states = await Promise.all(
      [0, 1, 2].map(async () => (await sweep(ws, clock, initialPageSweepState(), recordingHandler())).state),
    );
    clock.advance(10 * MINUTE);
    const alone = ws.requests.length;
    ws.requests.length = 0;
    await sweep(ws, clock, states[0]!, recordingHandler(), { deletionScanIntervalMs: 1e12 });
    const oneDiscovery = ws.requests.length;
    expect(oneDiscovery).toBe(4); // search pages, search data sources, two queries
    expect(alone).toBe(3 * oneDiscovery);

    ws.requests.length = 0;
    const hub = createCaptureHub({ clock });
    const handlers = [
      recordingHandler(),
      recordingHandler(),
      recordingHandler(undefined, { fromListing: () => undefined }),
    ];
    await Promise.all(
      handlers.map((handler, i) =>
        sweep(ws, clock, states[i]!, handler, { hub, deletionScanIntervalMs: 1e12 }),
      ),
    );
    expect(ws.requests.length).toBe(oneDiscovery);
    expect(handlers.every((h) => h.processed.length === 0)).toBe(true);

    // A sweep starting within the reuse window replays it; after the window, it lists again.
    clock.advance(30_000);
    await sweep(ws, clock, states[0]!, recordingHandler(), { hub, deletionScanIntervalMs: 1e12 });
    expect(ws.requests.length).toBe(oneDiscovery);
    clock.advance(61_000);
    await sweep(ws, clock, states[0]!, recordingHandler(), { hub, deletionScanIntervalMs: 1e12 });
    expect(ws.requests.length).toBe(2 * oneDiscovery);
  });

  it('forgets a finished listing once it can no longer be replayed, without waiting for the next one', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collect = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    };
    const clock = createFakeClock(T0);
    const ws = fakeWorkspace([{ id: id(1), edited: T0 - 5 * MINUTE }]);
    const timers = new AbortController();
    const hub = createCaptureHub({ clock, signal: timers.signal });
    let listed: WeakRef<object> | undefined;
    const handler = recordingHandler(undefined, {
      fromListing: (page) => {
        listed = new WeakRef(page);
        return { docs: [], record: {} };
      },
    });
    await sweep(ws, clock, initialPageSweepState(), handler, { hub });
    // The hub holds the listing (page objects included) for replays within the reuse window ...
    await collect();
    expect(listed?.deref()).toBeDefined();
    await clock.advance(60_000);
    await collect();
    expect(listed?.deref()).toBeDefined();
    // ... and lets it go after it.
    await clock.advance(1);
    await collect();
    expect(listed?.deref()).toBeUndefined();

    // The hub's signal cancels its timers.
    await sweep(ws, clock, initialPageSweepState(), recordingHandler(), { hub });
    // (One timer per listing: the pages and the data sources they were queried from.)
    expect(clock.pending()).toBe(2);
    timers.abort();
    expect(clock.pending()).toBe(0);
  });

  it('hands child pages one stream met to the others, which capture them once', async () => {
    const clock = manualClock(T0);
    const hidden = { id: id(7), edited: T0 - 5 * MINUTE, inSearch: false };
    const ws = fakeWorkspace([{ id: id(1), edited: T0 - 5 * MINUTE }, hidden]);
    const hub = createCaptureHub({ clock });
    // A "blocks" handler meets the hidden page as a child_page block of page 1.
    const walker: PageSweepHandler = {
      async process(item) {
        return {
          docs: [],
          record: {},
          childPages: item.id === id(1) ? [{ id: hidden.id, lastEditedTime: iso(hidden.edited) }] : [],
        };
      },
      gone: () => [],
    };
    const blocks = await sweep(ws, clock, initialPageSweepState(), walker, { hub });
    expect(readPageRecord(blocks.state, hidden.id)?.hiddenChild).toBe(true);
    expect(hub.foundPages.list().map((p) => p.id)).toEqual([hidden.id]);

    const alone = recordingHandler();
    await sweep(ws, clock, initialPageSweepState(), alone);
    expect(alone.processed.map((p) => p.item.id)).toEqual([id(1)]);

    const other = recordingHandler();
    const shared = await sweep(ws, clock, initialPageSweepState(), other, { hub });
    expect(other.processed.map((p) => [p.item.id, p.item.reason])).toEqual([
      [id(1), 'new'],
      [hidden.id, 'child'],
    ]);
    const again = recordingHandler();
    await sweep(ws, clock, shared.state, again, { hub, deletionScanIntervalMs: 1e12 });
    expect(again.processed).toEqual([]);

    // A new hub (a restarted process) learns the hidden page from any stream's state.
    const restarted = createCaptureHub({ clock });
    await sweep(ws, clock, shared.state, recordingHandler(), {
      hub: restarted,
      deletionScanIntervalMs: 1e12,
    });
    expect(restarted.foundPages.list().map((p) => p.id)).toEqual([hidden.id]);
  });
});
