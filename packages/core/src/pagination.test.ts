import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectorError,
  CursorRejectedError,
  IncompleteListError,
  NotionApiError,
  ResponseValidationError,
} from './errors.js';
import { createLogger } from './logger.js';
import { createNotionClient, type NotionClient } from './notion-client.js';
import { type FetchPage, iteratePages, iterateResults, type ListPage } from './pagination.js';
import { createRateLimiter } from './rate-limiter.js';
import { createFakeClock } from './testing/fake-clock.js';
import { notionError, type RecordedRequest, sendJson, startTestServer } from './testing/http-test-server.js';

type Answer = { status: number; body: unknown };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const user = (id: string) => ({ object: 'user', id });
const list = (ids: string[], next: string | null, extra: Record<string, unknown> = {}) => ({
  object: 'list',
  results: ids.map(user),
  next_cursor: next,
  has_more: next !== null,
  type: 'user',
  user: {},
  request_id: 'req-list',
  ...extra,
});
const invalidCursor = (cursor: string): Answer => ({
  status: 400,
  body: notionError(400, 'validation_error', `The start_cursor provided is invalid: ${cursor}`),
});

/** A users listing whose answers are scripted per request. */
async function listing(answer: (request: RecordedRequest, index: number) => Answer) {
  const clock = createFakeClock(0);
  let index = 0;
  const server = await startTestServer((request, response) => {
    const { status, body } = answer(request, index++);
    sendJson(response, status, body);
  });
  const lines: string[] = [];
  const limiter = createRateLimiter({ requestsPerMinute: 1_000, clock });
  const notion: NotionClient = createNotionClient({
    token: 'pagination-test-token-77aa',
    notionVersion: '2025-09-03',
    baseUrl: server.url,
    logger: createLogger({ write: (line) => lines.push(line) }),
    clock,
    limiter,
  });
  cleanups.push(
    () => server.close(),
    () => notion.close(),
  );
  const run = <T>(promise: Promise<T>) =>
    clock.runUntil(promise, { idle: () => limiter.stats().inFlight === 0 });
  const cursors = () =>
    server.requests.map((r) => new URL(r.path, 'http://x').searchParams.get('start_cursor'));
  return { notion, server, run, cursors, lines };
}

const listUsers: FetchPage<{ id: string }> = (sdk, args) =>
  sdk.users.list(args) as unknown as ReturnType<FetchPage<{ id: string }>>;

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('iteratePages', () => {
  it('walks every page with page_size 100 and the cursors Notion gives', async () => {
    const pages = [list(['a', 'b'], 'c1'), list(['c'], 'c2'), list(['d'], null)];
    const t = await listing((_, i) => ({ status: 200, body: pages[i] }));
    const got = await t.run(collect(iteratePages(t.notion, 'users.list', listUsers)));
    expect(got.map((p) => p.results.map((r) => r.id))).toEqual([['a', 'b'], ['c'], ['d']]);
    expect(got.every((p) => !p.restarted && !p.incomplete)).toBe(true);
    expect(t.cursors()).toEqual([null, 'c1', 'c2']);
    expect(t.server.requests.every((r) => r.path.includes('page_size=100'))).toBe(true);
  });

  it('restarts from the beginning when Notion rejects the cursor', async () => {
    const answers: Answer[] = [
      { status: 200, body: list(['a'], 'c1') },
      invalidCursor('c1'),
      { status: 200, body: list(['a'], 'c1b') },
      { status: 200, body: list(['b'], null) },
    ];
    const t = await listing((_, i) => answers[i]!);
    const got: ListPage<{ id: string }>[] = await t.run(
      collect(iteratePages(t.notion, 'users.list', listUsers)),
    );
    expect(got.map((p) => [p.results.map((r) => r.id), p.restarted])).toEqual([
      [['a'], false],
      [['a'], true],
      [['b'], false],
    ]);
    expect(t.cursors()).toEqual([null, 'c1', null, 'c1b']);
    expect(t.lines.some((line) => line.includes('restarting the listing'))).toBe(true);
  });

  it('gives up after maxRestarts', async () => {
    const t = await listing((request) =>
      request.path.includes('start_cursor')
        ? invalidCursor('stale')
        : { status: 200, body: list(['a'], 'stale') },
    );
    const error = await t
      .run(collect(iteratePages(t.notion, 'users.list', listUsers, { maxRestarts: 2 })))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CursorRejectedError);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as Error).message).toContain('gave up after 2 restarts');
    expect((error as Error).cause).toBeInstanceOf(NotionApiError);
    expect(t.server.requests).toHaveLength(6);
  });

  it('with maxRestarts 0, leaves the first rejected cursor to the caller (CursorRejectedError)', async () => {
    const t = await listing((request) =>
      request.path.includes('start_cursor')
        ? invalidCursor('stale')
        : { status: 200, body: list(['a'], 'stale') },
    );
    const error = await t
      .run(collect(iteratePages(t.notion, 'users.list', listUsers, { maxRestarts: 0 })))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CursorRejectedError);
    expect((error as CursorRejectedError).restarts).toBe(0);
    expect(t.server.requests).toHaveLength(2);
  });

  it('does not restart on other validation errors', async () => {
    const t = await listing(() => ({
      status: 400,
      body: notionError(400, 'validation_error', 'body.filter should be defined'),
    }));
    const error = await t
      .run(collect(iteratePages(t.notion, 'users.list', listUsers)))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotionApiError);
    expect(t.server.requests).toHaveLength(1);
  });

  it('fails loudly on has_more without next_cursor', async () => {
    const t = await listing(() => ({ status: 200, body: { ...list(['a'], null), has_more: true } }));
    const error = await t
      .run(collect(iteratePages(t.notion, 'users.list', listUsers)))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toContain('has_more but gives no next_cursor');
    expect((error as Error).message).toContain('req-list');
  });

  it('fails loudly on a malformed list envelope', async () => {
    const t = await listing(() => ({
      status: 200,
      body: { object: 'list', results: 'nope', has_more: false },
    }));
    const error = await t
      .run(collect(iteratePages(t.notion, 'users.list', listUsers)))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toContain('results');
  });

  it('marks a page that says request_status incomplete', async () => {
    const incomplete = {
      request_status: { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' },
    };
    const t = await listing(() => ({ status: 200, body: list(['a', 'b'], null, incomplete) }));
    const pages = await t.run(collect(iteratePages(t.notion, 'users.list', listUsers)));
    expect(pages).toEqual([
      {
        results: [user('a'), user('b')],
        restarted: false,
        incomplete: true,
        incompleteReason: 'query_result_limit_reached',
        requestId: 'req-list',
      },
    ]);
  });
});

describe('iterateResults', () => {
  it('flattens pages', async () => {
    const pages = [list(['a', 'b'], 'c1'), list(['c'], null)];
    const t = await listing((_, i) => ({ status: 200, body: pages[i] }));
    const ids = (await t.run(collect(iterateResults(t.notion, 'users.list', listUsers)))).map((u) => u.id);
    expect(ids).toEqual(['a', 'b', 'c']);
  });

  it('throws IncompleteListError after the results of an incomplete page', async () => {
    const incomplete = {
      request_status: { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' },
    };
    const t = await listing(() => ({ status: 200, body: list(['a'], null, incomplete) }));
    const seen: string[] = [];
    const error = await t
      .run(
        (async () => {
          for await (const item of iterateResults(t.notion, 'users.list', listUsers)) seen.push(item.id);
        })(),
      )
      .catch((e: unknown) => e);
    expect(seen).toEqual(['a']);
    expect(error).toBeInstanceOf(IncompleteListError);
    expect((error as Error).message).toContain('query_result_limit_reached');
  });
});
