import { describe, expect, it } from 'vitest';
import { NotionApiError, ResponseValidationError } from '../errors.js';
import { applyMergePatch } from '../merge-patch.js';
import { compactId } from '../notion-ids.js';
import {
  fakeWorkspace,
  id,
  iso,
  MINUTE,
  manualClock,
  memoryLogger,
  recordingHandler,
  sweepPages as sweep,
  T0,
} from '../testing/fake-page-workspace.js';
import { createFakeStreamContext } from '../testing/fake-stream-context.js';
import { initialPageSweepState, PageLedger, type PageSweepState, readPageRecord } from './page-state.js';
import { runPageSweep } from './page-sweep.js';
import { MIN_PENDING_PER_SWEEP } from './sweep-plan.js';

describe('runPageSweep', () => {
  it('never moves the cursor past the minute the sweep started: an edit made during the listing is found next sweep', async () => {
    const clock = manualClock(T0 + 30_000);
    const standalone = { id: id(1), edited: T0 - 60 * MINUTE };
    const row = { id: id(2), edited: T0 - 60 * MINUTE, dataSource: id(900), inSearch: false };
    const ws = fakeWorkspace([standalone, row, { id: id(3), edited: T0 - 90 * MINUTE }], [id(900)]);
    const backfill = await sweep(ws, clock, initialPageSweepState(), recordingHandler());
    expect(backfill.state.cursor).toBe(iso(T0 - 60 * MINUTE));

    // While the listing runs (after search, before the data source queries), the standalone
    // page is edited, then, much later in a long listing, a row.
    ws.hooks.push((request) => {
      if (
        request.path === 'search' &&
        (request.body?.filter as { value?: string } | undefined)?.value === 'data_source'
      ) {
        clock.set(T0 + 61_000);
        standalone.edited = clock.now();
        clock.set(T0 + 40 * MINUTE);
        row.edited = clock.now();
        ws.hooks.length = 0;
      }
    });
    const handler = recordingHandler();
    const during = await sweep(ws, clock, backfill.state, handler, { deletionScanIntervalMs: 1e12 });
    expect(handler.processed.map((p) => p.item.id)).toEqual([row.id]);
    // Capped at 10:00, the minute the sweep started in (the row's 10:40 would skip the 10:01 edit).
    expect(during.state.cursor).toBe(iso(T0));

    clock.advance(MINUTE);
    const next = recordingHandler();
    await sweep(ws, clock, during.state, next, { deletionScanIntervalMs: 1e12 });
    // (The row again too: it was read within the minute it was edited in, so it is unsettled.)
    expect(next.processed.map((p) => p.item.id).sort()).toEqual([standalone.id, row.id]);
  });

  it('lists search with a wider overlap than the data source queries', async () => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace([{ id: id(1), edited: T0 - 60 * MINUTE }], [id(900)]);
    const backfill = await sweep(ws, clock, initialPageSweepState(), recordingHandler());
    ws.requests.length = 0;
    const state = { ...backfill.state, cursor: iso(T0 - 30 * MINUTE) };
    await sweep(ws, clock, state, recordingHandler(), { deletionScanIntervalMs: 1e12 });
    const query = ws.requests.find((r) => r.path.endsWith('/query'))!;
    expect(query.body?.filter).toEqual({
      timestamp: 'last_edited_time',
      last_edited_time: { on_or_after: iso(T0 - 32 * MINUTE) },
    });
  });

  it('marks a page unsettled from when its data was read, not when processing ended', async () => {
    const clock = manualClock(T0 + 30_000);
    const ws = fakeWorkspace([{ id: id(1), edited: T0 }]); // edited this minute
    // A long walk: five minutes.
    const slow = recordingHandler(() => clock.advance(5 * MINUTE));
    const result = await sweep(ws, clock, initialPageSweepState(), slow);
    expect(slow.processed[0]?.item.readAt).toBe(T0 + 30_000);
    expect(readPageRecord(result.state, id(1))?.unsettled).toBe(true);
    // Unsettled pages are read again the next time they are listed, although their time did not move.
    const again = recordingHandler();
    const next = await sweep(ws, clock, result.state, again, { deletionScanIntervalMs: 1e12 });
    expect(again.processed.map((p) => p.item.id)).toEqual([id(1)]);
    expect(readPageRecord(next.state, id(1))?.unsettled).toBe(false);

    // A page object taken from the listing (fromListing deferring it) was read at listing time.
    const clock2 = manualClock(T0 + 30_000);
    const deferred = recordingHandler(() => clock2.advance(5 * MINUTE), { fromListing: () => undefined });
    const fromListing = await sweep(ws, clock2, initialPageSweepState(), deferred);
    expect(deferred.processed[0]?.item.readAt).toBe(T0 + 30_000);
    expect(readPageRecord(fromListing.state, id(1))?.unsettled).toBe(true);
  });

  it('carries the trash flag on every work item', async () => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace(
      [
        { id: id(1), edited: T0 - 10 * MINUTE, trashed: true, dataSource: id(900) },
        { id: id(2), edited: T0 - 10 * MINUTE, dataSource: id(900) },
      ],
      [id(900)],
    );
    const handler = recordingHandler();
    const result = await sweep(ws, clock, initialPageSweepState(), handler);
    const trashed = Object.fromEntries(handler.processed.map((p) => [p.item.id, p.item.trashed]));
    expect(trashed).toEqual({ [id(1)]: true, [id(2)]: false });
    expect(readPageRecord(result.state, id(1))?.trashed).toBe(true);
    // From state: a pending page keeps what the state knew.
    const ledger = new PageLedger(result.state);
    ledger.markPending(compactId(id(1)));
    const pending = applyMergePatch(structuredClone(result.state), {
      pages: ledger.takeUnsaved(),
    }) as PageSweepState;
    expect(readPageRecord(pending, id(1))?.pending).toBe(true);
    const again = recordingHandler();
    await sweep(ws, clock, pending, again, { deletionScanIntervalMs: 1e12 });
    // (Listed again within the overlap, so found as 'changed': the pending flag defeats the skip.)
    expect(again.processed.map((p) => [p.item.id, p.item.trashed])).toEqual([[id(1), true]]);
  });

  it.each([
    [
      '403 restricted_resource',
      new NotionApiError({
        status: 403,
        code: 'restricted_resource',
        operation: 'list block children',
        requestId: 'req-403',
      }),
    ],
    [
      '400 validation_error',
      new NotionApiError({
        status: 400,
        code: 'validation_error',
        operation: 'list block children',
        requestId: 'req-400',
      }),
    ],
    [
      '404 object_not_found the handler did not handle (a property item, a block read past its page)',
      new NotionApiError({
        status: 404,
        code: 'object_not_found',
        operation: 'retrieve a page property item',
        requestId: 'req-404',
      }),
    ],
    [
      'an unexpected response shape',
      new ResponseValidationError('unexpected response shape', {
        operation: 'list block children',
        requestId: 'req-shape',
      }),
    ],
  ])('goes on past a page that fails with %s, and retries it next sweep', async (_name, failure) => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace([1, 2, 3].map((n) => ({ id: id(n), edited: T0 - n * 10 * MINUTE })));
    const logger = memoryLogger();
    let fail = true;
    const handler = recordingHandler((item) => {
      if (fail && item.id === id(2)) throw failure;
    });
    const result = await sweep(ws, clock, initialPageSweepState(), handler, { logger });
    expect(result.docs.map((d) => (d as { id: string }).id).sort()).toEqual([id(1), id(3)]);
    expect(readPageRecord(result.state, id(2))?.pending).toBe(true);
    expect(result.state.cursor).toBe(iso(T0 - 10 * MINUTE));
    const warning = logger.lines.find((line) => line.level === 'warn');
    expect(warning?.fields).toMatchObject({ pageId: id(2), requestId: failure.requestId });

    fail = false;
    const retry = recordingHandler();
    const next = await sweep(ws, clock, result.state, retry, { deletionScanIntervalMs: 1e12 });
    expect(retry.processed.map((p) => p.item.id)).toEqual([id(2)]);
    expect(readPageRecord(next.state, id(2))?.pending).toBe(false);
  });

  it.each([
    ['401 unauthorized', new NotionApiError({ status: 401, code: 'unauthorized', operation: 'x' })],
    [
      'a blocked integration',
      new NotionApiError({
        status: 429,
        code: 'rate_limited',
        operation: 'x',
        isRetryable: false,
        additionalData: { rate_limit_reason: 'public_api_request_blocked' },
      }),
    ],
    [
      'a 500 after retries',
      new NotionApiError({ status: 500, code: 'internal_server_error', operation: 'x' }),
    ],
  ])('fails the sweep on %s', async (_name, failure) => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace([{ id: id(1), edited: T0 - MINUTE }]);
    const handler = recordingHandler(() => {
      throw failure;
    });
    await expect(sweep(ws, clock, initialPageSweepState(), handler)).rejects.toBe(failure);
  });

  it('fails the sweep on what the handler says is fatal', async () => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace([{ id: id(1), edited: T0 - MINUTE }]);
    const failure = new NotionApiError({
      status: 403,
      code: 'restricted_resource',
      operation: 'list comments',
    });
    const handler = recordingHandler(
      () => {
        throw failure;
      },
      { isFatal: (error) => error === failure },
    );
    await expect(sweep(ws, clock, initialPageSweepState(), handler)).rejects.toBe(failure);
  });

  it('processes every known page again once per refresh interval, resuming after a crash', async () => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace([1, 2, 3, 4].map((n) => ({ id: id(n), edited: T0 - n * 10 * MINUTE })));
    const options = { refreshIntervalMs: 24 * 60 * MINUTE, deletionScanIntervalMs: 1e12 };
    const backfill = await sweep(ws, clock, initialPageSweepState(), recordingHandler(), options);
    expect(backfill.state.refreshedAt).toBe(T0);
    const idle = recordingHandler();
    await sweep(ws, clock, backfill.state, idle, options);
    expect(idle.processed).toEqual([]);

    clock.advance(25 * 60 * MINUTE);
    // Crash after two pages: the rest stay pending.
    const base = createFakeStreamContext({ sdk: ws.sdk, config: { start_date: '2020-01-01T00:00:00.000Z' } });
    let state: PageSweepState = backfill.state;
    let processed = 0;
    const crashing = recordingHandler();
    for await (const event of runPageSweep({ ...base, clock }, state, crashing, {
      ...options,
      concurrency: 1,
    })) {
      if ('checkpoint' in event) {
        state = applyMergePatch(state, event.checkpoint) as PageSweepState;
        if (crashing.processed.length >= 2 && ++processed > 2) break;
      }
    }
    expect(state.refreshedAt).toBe(clock.now());
    const rest = recordingHandler();
    await sweep(ws, clock, state, rest, options);
    const all = [...crashing.processed, ...rest.processed].map((p) => p.item.id);
    expect(new Set(all)).toEqual(new Set([1, 2, 3, 4].map(id)));
    expect(rest.processed.length).toBeLessThan(4);
    expect(rest.processed.every((p) => p.item.reason === 'pending')).toBe(true);
  });

  it('drains a refresh over the sweeps at its share of the rate budget, never more a sweep', async () => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace(
      Array.from({ length: 120 }, (_, n) => ({ id: id(n + 1), edited: T0 - (n + 1) * 60 * MINUTE })),
    );
    // 1% of 180 requests a minute: 9 pages per 5-minute sweep, raised to MIN_PENDING_PER_SWEEP.
    const options = {
      refreshIntervalMs: 24 * 60 * MINUTE,
      refreshBudgetShare: 0.01,
      deletionScanIntervalMs: 1e12,
    };
    let { state } = await sweep(ws, clock, initialPageSweepState(), recordingHandler(), options);
    expect(state.sweptAt).toBe(T0);
    clock.advance(24 * 60 * MINUTE - 5 * MINUTE);
    ({ state } = await sweep(ws, clock, state, recordingHandler(), options));
    const perSweep: number[] = [];
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      clock.advance(5 * MINUTE);
      const handler = recordingHandler();
      ({ state } = await sweep(ws, clock, state, handler, options));
      perSweep.push(handler.processed.filter((p) => p.item.reason === 'pending').length);
      seen.push(...handler.processed.map((p) => p.item.id));
    }
    // The newest page is listed again (the search overlap) and done at once, beside the limit.
    expect(perSweep).toEqual([MIN_PENDING_PER_SWEEP, MIN_PENDING_PER_SWEEP, 19, 0]);
    expect(new Set(seen).size).toBe(120);
    // The refresh's cost, a request a page, spaces out the next one.
    expect(state.refreshCost).toBe(120);

    // A sweep after a long pause may do as much as the budget gathered meanwhile: all of it.
    clock.advance(24 * 60 * MINUTE);
    const late = recordingHandler();
    ({ state } = await sweep(ws, clock, state, late, options));
    expect(late.processed).toHaveLength(120);
  });
});
