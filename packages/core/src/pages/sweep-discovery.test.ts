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

  it('remembers what the backfill listing cost (the next scan is budgeted from it) and logs requests by kind', async () => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace(
      [1, 2, 3].map((n) => ({
        id: id(n),
        edited: T0 - n * MINUTE,
        dataSource: n === 3 ? id(900) : undefined,
      })),
      [id(900), id(901)],
    );
    const infos: Array<{ msg: string; fields?: unknown }> = [];
    const logger = {
      debug: () => {},
      info: (msg: string, fields?: unknown) => void infos.push({ msg, fields }),
      warn: () => {},
      error: () => {},
      child: () => logger,
    };
    const result = await sweep(ws, clock, initialPageSweepState(), recordingHandler(), { logger });
    // One search page and two data source queries.
    expect(result.state.scanCost).toBe(3);
    const done = infos.find((line) => line.msg === 'page sweep done');
    expect(done?.fields).toMatchObject({
      requests: { listing: 3, processing: 0, scanChecks: 0, refresh: 0, climbs: 0 },
      backfill: true,
    });
  });
});
