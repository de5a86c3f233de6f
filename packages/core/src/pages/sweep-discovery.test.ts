import { describe, expect, it } from 'vitest';
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
import { type CaptureHub, createCaptureHub } from './capture-hub.js';
import type { DiscoveredPage, DiscoveryStats } from './discovery.js';
import type { PageDiscoveryRequest } from './page-listings.js';
import { initialPageSweepState } from './page-state.js';

/** A hub whose discovery lists `pages`, reports `skipped` data sources and learned `dataSourceIds`. */
function hubWith(
  clock: ReturnType<typeof manualClock>,
  pages: DiscoveredPage[],
  skipped: number,
  dataSourceIds: string[],
  requests: PageDiscoveryRequest[],
): CaptureHub {
  const hub = createCaptureHub({ clock });
  return {
    ...hub,
    pageListings: {
      discover(_notion, request, stats) {
        requests.push(request);
        const counted = stats as (DiscoveryStats & { skippedDataSources?: number }) | undefined;
        return {
          startedAt: clock.now(),
          shared: false,
          pages: (async function* () {
            if (counted) counted.skippedDataSources = (counted.skippedDataSources ?? 0) + skipped;
            yield* pages;
          })(),
          dataSourceIds: () => dataSourceIds,
        };
      },
    },
  };
}

describe('page sweeps and discovery', () => {
  it('holds the cursor when discovery skipped a data source, and passes the data sources it learned to the next sweep', async () => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace([]);
    const row: DiscoveredPage = {
      id: id(1),
      lastEditedTime: iso(T0 - 30 * MINUTE),
      trashed: false,
      parentPageId: undefined,
      source: 'data_source',
      readAt: T0,
    };
    const requests: PageDiscoveryRequest[] = [];
    const first = await sweep(ws, clock, initialPageSweepState(), recordingHandler(), {
      hub: hubWith(clock, [row], 0, [id(900), id(901)], requests),
    });
    expect(first.state.cursor).toBe(iso(T0 - 30 * MINUTE));
    expect(first.state.extraDataSources).toBeDefined();

    clock.advance(10 * MINUTE);
    const edited = { ...row, lastEditedTime: iso(T0 + 5 * MINUTE) };
    const held = await sweep(ws, clock, first.state, recordingHandler(), {
      hub: hubWith(clock, [edited], 1, [id(900), id(901)], requests),
      deletionScanIntervalMs: 1e12,
    });
    expect((requests[1] as { extraDataSourceIds?: string[] }).extraDataSourceIds).toEqual([id(900), id(901)]);
    // A data source's rows were not all read: the cursor stays; the page processed is recorded.
    expect(held.state.cursor).toBe(first.state.cursor);
    expect(held.docs).toEqual([{ id: row.id }]);
  });
});
