import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock.js';
import { NotionApiError, ResponseValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { applyMergePatch } from '../merge-patch.js';
import { compactId } from '../notion-ids.js';
import { createFakeClock } from '../testing/fake-clock.js';
import { createFakeStreamContext } from '../testing/fake-stream-context.js';
import { type CaptureHub, createCaptureHub } from './capture-hub.js';
import { initialPageSweepState, PageLedger, type PageSweepState, readPageRecord } from './page-state.js';
import { runPageSweep } from './page-sweep.js';
import type { PageSweepHandler, PageWorkItem } from './sweep-handler.js';
import type { PageSweepOptions } from './sweep-plan.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 5, 1, 10, 0, 0);
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const iso = (ms: number) => new Date(ms).toISOString();

interface FakePage {
  id: string;
  edited: number;
  trashed?: boolean;
  dataSource?: string;
  inSearch?: boolean;
}

interface Request {
  path: string;
  method: string;
  body?: Record<string, unknown>;
}

/** A mutable clock (the sweep's and the fake workspace's time). */
function manualClock(start: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async () => {},
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** An in-memory Notion answering search, data source search and queries, and page retrieval. */
function fakeWorkspace(pages: FakePage[], dataSources: string[] = []) {
  const requests: Request[] = [];
  const hooks: Array<(request: Request) => void> = [];
  const page = (p: FakePage) => ({
    object: 'page',
    id: p.id,
    created_time: iso(T0 - 100 * MINUTE),
    last_edited_time: iso(Math.floor(p.edited / MINUTE) * MINUTE),
    in_trash: p.trashed === true,
    parent: p.dataSource
      ? { type: 'data_source_id', data_source_id: p.dataSource }
      : { type: 'workspace', workspace: true },
    properties: {},
  });
  const list = (results: unknown[]) => ({ object: 'list', results, has_more: false, next_cursor: null });
  const sdk = {
    search: (body: Record<string, unknown>) => sdk.request({ path: 'search', method: 'post', body }),
    request: async (args: Request): Promise<unknown> => {
      requests.push(args);
      for (const hook of hooks) hook(args);
      const filter = (args.body?.filter ?? {}) as {
        value?: string;
        last_edited_time?: { on_or_after?: string };
      };
      if (args.path === 'search' && filter.value === 'page') {
        return list(
          pages
            .filter((p) => p.inSearch !== false && p.trashed !== true)
            .sort((a, b) => b.edited - a.edited)
            .map(page),
        );
      }
      if (args.path === 'search') return list(dataSources.map((ds) => ({ object: 'data_source', id: ds })));
      const query = /^data_sources\/([^/]+)\/query$/.exec(args.path);
      if (query) {
        const after = filter.last_edited_time?.on_or_after;
        return list(
          pages
            .filter((p) => p.dataSource === query[1])
            .filter((p) => after === undefined || Math.floor(p.edited / MINUTE) * MINUTE >= Date.parse(after))
            .sort((a, b) => a.edited - b.edited)
            .map(page),
        );
      }
      const get = /^pages\/([^/]+)$/.exec(args.path);
      if (get) {
        const found = pages.find((p) => p.id === get[1]);
        if (found) return { ...page(found), request_id: 'req-get' };
        throw new NotionApiError({ status: 404, code: 'object_not_found', operation: 'retrieve page' });
      }
      throw new Error(`fake notion: unexpected request ${args.method} ${args.path}`);
    },
  };
  return { sdk, requests, hooks, pages };
}

interface Processed {
  item: PageWorkItem;
  at: number;
}

/** A handler that records what it processes (`work` may advance the clock or throw). */
function recordingHandler(
  work?: (item: PageWorkItem) => void | Promise<void>,
  extra: Partial<PageSweepHandler> = {},
): PageSweepHandler & { processed: Processed[] } {
  const processed: Processed[] = [];
  return {
    processed,
    async process(item) {
      processed.push({ item: { ...item }, at: 0 });
      await work?.(item);
      return { docs: [{ id: item.id }], record: {} };
    },
    gone: (pageId) => [{ id: pageId, _meta: { op: 'd' } }],
    ...extra,
  };
}

function memoryLogger(): Logger & { lines: Array<{ level: string; msg: string; fields?: unknown }> } {
  const lines: Array<{ level: string; msg: string; fields?: unknown }> = [];
  const logger = {
    lines,
    debug: () => {},
    info: () => {},
    warn: (msg: string, fields?: unknown) => void lines.push({ level: 'warn', msg, fields }),
    error: (msg: string, fields?: unknown) => void lines.push({ level: 'error', msg, fields }),
    child: () => logger,
  };
  return logger;
}

async function sweep(
  workspace: ReturnType<typeof fakeWorkspace>,
  clock: Clock,
  state: PageSweepState,
  handler: PageSweepHandler,
  options: PageSweepOptions & { hub?: CaptureHub; logger?: Logger } = {},
) {
  const base = createFakeStreamContext({
    sdk: workspace.sdk,
    config: { start_date: '2020-01-01T00:00:00.000Z' },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const ctx = { ...base, clock, ...(options.hub ? { hub: options.hub } : {}) };
  let current: PageSweepState = state;
  const docs: unknown[] = [];
  for await (const event of runPageSweep(ctx, state, handler, { concurrency: 1, ...options })) {
    if ('doc' in event) docs.push(event.doc);
    else current = applyMergePatch(current, event.checkpoint) as PageSweepState;
  }
  return { state: current, docs };
}

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
});

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
    expect(hub.childPages.list().map((p) => p.id)).toEqual([hidden.id]);

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
    expect(restarted.childPages.list().map((p) => p.id)).toEqual([hidden.id]);
  });
});
