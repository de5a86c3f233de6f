import type { Clock } from '../clock.js';
import { NotionApiError } from '../errors.js';
import type { Logger } from '../logger.js';
import { applyMergePatch } from '../merge-patch.js';
import type { CaptureHub } from '../pages/capture-hub.js';
import type { PageSweepState } from '../pages/page-state.js';
import { runPageSweep } from '../pages/page-sweep.js';
import type { PageSweepHandler, PageWorkItem } from '../pages/sweep-handler.js';
import type { PageSweepOptions } from '../pages/sweep-plan.js';
import { createFakeStreamContext } from './fake-stream-context.js';

/*
 * An in-memory workspace and helpers for the page engine's tests (runPageSweep, CaptureHub).
 */

export const MINUTE = 60_000;
export const T0 = Date.UTC(2025, 5, 1, 10, 0, 0);
export const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const iso = (ms: number) => new Date(ms).toISOString();

export interface FakePage {
  id: string;
  edited: number;
  trashed?: boolean;
  dataSource?: string;
  /** A page parent (else a data source's, else the workspace). */
  parentPage?: string;
  /** A block parent (see fakeWorkspace's `blocks`). */
  parentBlock?: string;
  inSearch?: boolean;
}

interface Request {
  path: string;
  method: string;
  body?: Record<string, unknown>;
}

/** A mutable clock (the sweep's and the fake workspace's time). */
export function manualClock(start: number): Clock & { set(ms: number): void; advance(ms: number): void } {
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

/**
 * An in-memory Notion answering search, data source search and queries, page retrieval, and block
 * retrieval (`blocks`: a block's parent, a page or another block).
 */
export function fakeWorkspace(
  pages: FakePage[],
  dataSources: string[] = [],
  blocks: Record<string, { page?: string; block?: string }> = {},
) {
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
      : p.parentPage
        ? { type: 'page_id', page_id: p.parentPage }
        : p.parentBlock
          ? { type: 'block_id', block_id: p.parentBlock }
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
      const block = /^blocks\/([^/]+)$/.exec(args.path);
      const parent = block ? blocks[block[1]!] : undefined;
      if (block && parent) {
        return {
          object: 'block',
          id: block[1],
          type: 'paragraph',
          parent: parent.page
            ? { type: 'page_id', page_id: parent.page }
            : { type: 'block_id', block_id: parent.block },
        };
      }
      if (block)
        throw new NotionApiError({ status: 404, code: 'object_not_found', operation: 'retrieve block' });
      throw new Error(`fake notion: unexpected request ${args.method} ${args.path}`);
    },
  };
  return { sdk, requests, hooks, pages };
}

export interface Processed {
  item: PageWorkItem;
  at: number;
}

/** A handler that records what it processes (`work` may advance the clock or throw). */
export function recordingHandler(
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

export function memoryLogger(): Logger & { lines: Array<{ level: string; msg: string; fields?: unknown }> } {
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

export async function sweepPages(
  workspace: ReturnType<typeof fakeWorkspace>,
  clock: Clock,
  state: PageSweepState,
  handler: PageSweepHandler,
  options: PageSweepOptions & { hub?: CaptureHub; logger?: Logger; signal?: AbortSignal } = {},
) {
  const base = createFakeStreamContext({
    sdk: workspace.sdk,
    config: { start_date: '2020-01-01T00:00:00.000Z' },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const ctx = {
    ...base,
    clock,
    ...(options.hub ? { hub: options.hub } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  let current: PageSweepState = state;
  const docs: unknown[] = [];
  for await (const event of runPageSweep(ctx, state, handler, { concurrency: 1, ...options })) {
    if ('doc' in event) docs.push(event.doc);
    else if ('checkpoint' in event) current = applyMergePatch(current, event.checkpoint) as PageSweepState;
  }
  return { state: current, docs };
}
