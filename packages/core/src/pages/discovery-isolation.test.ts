import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotionVersion } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { createNotionClient, type NotionClient } from '../notion-client.js';
import { createRateLimiter } from '../rate-limiter.js';
import { createFakeClock } from '../testing/fake-clock.js';
import {
  type RecordedRequest,
  sendJson,
  startTestServer,
  type TestServer,
} from '../testing/http-test-server.js';
import { createDataSourceListings } from './data-source-listings.js';
import { type DiscoveredPage, discoverPages, emptyDiscoveryStats } from './discovery.js';
import { createPageListings } from './page-listings.js';

// Discovery against a scripted Notion with the limits of the real one: a positional cap on search
// cursors, `incomplete` searches, data sources search omits, databases and their `data_sources`,
// per-data-source failures, query cursors that die, and the title-only rows of 2026-12-01.

const MINUTE = 60_000;
const BASE = Date.UTC(2025, 0, 1);
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const iso = (ms: number) => new Date(ms).toISOString();

interface Row {
  id: string;
  edited: number;
  created: number;
  dataSource?: string;
  inSearch?: boolean;
}

interface Source {
  id: string;
  database: string;
  inSearch?: boolean;
  /** Answer queries with this error. */
  fail?: { status: number; code: string; message: string };
}

interface FakeOptions {
  rows: Row[];
  sources: Source[];
  /** Search (pages) rejects a cursor at or past this position. */
  searchCap?: number;
  /** Search (pages) says `incomplete` at this position. */
  searchIncompleteAt?: number;
  /** Queries reject a cursor at or past this position (a cursor that expires after N rows). */
  queryCap?: number;
  /** Databases that answer this error. */
  unreadableDatabases?: Record<string, number>;
}

const PROPERTIES = {
  Name: { id: 'title', type: 'title', title: {} },
  Score: { id: 'a%3Bb', type: 'number', number: {} },
};

function rowObject(row: Row, titleOnly: boolean) {
  const source = row.dataSource;
  return {
    object: 'page',
    id: row.id,
    created_time: iso(row.created),
    last_edited_time: iso(row.edited),
    in_trash: false,
    parent: source
      ? { type: 'data_source_id', data_source_id: source, database_id: `db-${source}` }
      : { type: 'workspace', workspace: true },
    properties: titleOnly
      ? { Name: { id: 'title', type: 'title', title: [] } }
      : {
          Name: { id: 'title', type: 'title', title: [] },
          ...(source ? { Score: { id: 'a%3Bb', type: 'number', number: 1 } } : {}),
        },
  };
}

function sourceObject(source: Source) {
  return {
    object: 'data_source',
    id: source.id,
    title: [{ plain_text: `Source ${source.id.slice(-3)}` }],
    parent: { type: 'database_id', database_id: source.database },
    created_time: iso(BASE),
    last_edited_time: iso(BASE),
    properties: PROPERTIES,
  };
}

const invalidCursor = (response: ServerResponse, cursor: string) =>
  sendJson(response, 400, {
    object: 'error',
    status: 400,
    code: 'validation_error',
    message: `The start_cursor provided is invalid: ${cursor}`,
    request_id: 'req-cursor',
  });

function fakeNotion(options: FakeOptions, version: string) {
  const titleOnly = version >= '2026-12-01';
  const list = (results: unknown[], start: number, size: number, extra: Record<string, unknown> = {}) => ({
    object: 'list',
    results: results.slice(start, start + size),
    has_more: start + size < results.length,
    next_cursor: start + size < results.length ? String(start + size) : null,
    request_id: 'req-list',
    ...extra,
  });
  return (request: RecordedRequest, response: ServerResponse) => {
    const url = new URL(request.path, 'http://x');
    const body = JSON.parse(request.body || '{}');
    const cursor: string | undefined = body.start_cursor;
    const start = Number(cursor ?? 0);
    const size = Number(body.page_size ?? 100);
    if (url.pathname === '/v1/search' && body.filter?.value === 'page') {
      if (cursor !== undefined && options.searchCap !== undefined && start >= options.searchCap) {
        return invalidCursor(response, cursor);
      }
      const sign = body.sort?.direction === 'ascending' ? 1 : -1;
      const sorted = options.rows
        .filter((r) => r.inSearch !== false)
        .sort((a, b) => sign * (a.edited - b.edited) || (a.id < b.id ? -1 : 1));
      const at = options.searchIncompleteAt;
      if (at !== undefined && start + size >= at) {
        const page = list(
          sorted.slice(0, at).map((r) => rowObject(r, titleOnly)),
          start,
          size,
        );
        return sendJson(response, 200, {
          ...page,
          has_more: false,
          next_cursor: null,
          request_status: { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' },
        });
      }
      return sendJson(
        response,
        200,
        list(
          sorted.map((r) => rowObject(r, titleOnly)),
          start,
          size,
        ),
      );
    }
    if (url.pathname === '/v1/search') {
      const listed = options.sources.filter((s) => s.inSearch !== false).map(sourceObject);
      return sendJson(response, 200, list(listed, start, size));
    }
    const database = /^\/v1\/databases\/([^/]+)$/.exec(url.pathname)?.[1];
    if (database !== undefined) {
      const status = options.unreadableDatabases?.[database];
      if (status !== undefined) {
        return sendJson(response, status, {
          object: 'error',
          status,
          code: status === 404 ? 'object_not_found' : 'restricted_resource',
          message: 'no',
          request_id: `req-db-${status}`,
        });
      }
      const sources = options.sources.filter((s) => s.database === database);
      return sendJson(response, 200, {
        object: 'database',
        id: database,
        data_sources: sources.map((s) => ({ id: s.id, name: 'x' })),
      });
    }
    const retrieved = /^\/v1\/data_sources\/([^/]+)$/.exec(url.pathname)?.[1];
    if (retrieved !== undefined) {
      const source = options.sources.find((s) => s.id === retrieved);
      if (source === undefined) {
        return sendJson(response, 404, {
          object: 'error',
          status: 404,
          code: 'object_not_found',
          message: 'no',
        });
      }
      return sendJson(response, 200, sourceObject(source));
    }
    const queried = /^\/v1\/data_sources\/([^/]+)\/query$/.exec(url.pathname)?.[1] ?? '';
    const source = options.sources.find((s) => s.id === queried);
    if (source?.fail) {
      return sendJson(response, source.fail.status, {
        object: 'error',
        status: source.fail.status,
        code: source.fail.code,
        message: source.fail.message,
        request_id: `req-query-${source.fail.status}`,
      });
    }
    if (cursor !== undefined && options.queryCap !== undefined && start >= options.queryCap) {
      return invalidCursor(response, cursor);
    }
    type Condition = { timestamp: string } & Record<string, { on_or_after?: string; on_or_before?: string }>;
    const conditions: Condition[] = body.filter?.and ?? (body.filter ? [body.filter] : []);
    let rows = options.rows.filter((r) => r.dataSource === queried);
    for (const condition of conditions) {
      const field = condition.timestamp === 'created_time' ? 'created' : 'edited';
      const { on_or_after: after, on_or_before: before } = condition[condition.timestamp] ?? {};
      if (after !== undefined) rows = rows.filter((r) => r[field] >= Date.parse(after));
      if (before !== undefined) rows = rows.filter((r) => r[field] <= Date.parse(before));
    }
    const key = body.sorts?.[0]?.timestamp === 'created_time' ? 'created' : 'edited';
    rows.sort((a, b) => a[key] - b[key] || (a.id < b.id ? -1 : 1));
    const complete = !titleOnly || url.searchParams.getAll('filter_properties').includes('a;b');
    return sendJson(
      response,
      200,
      list(
        rows.map((r) => rowObject(r, !complete)),
        start,
        size,
      ),
    );
  };
}

let server: TestServer | undefined;
let notion: NotionClient | undefined;
afterEach(async () => {
  await notion?.close();
  await server?.close();
});

function capturingLogger(lines: string[]): Logger {
  return createLogger({ level: 'info', write: (line) => lines.push(line) });
}

async function start(options: FakeOptions, version = '2025-09-03') {
  server = await startTestServer(fakeNotion(options, version));
  const lines: string[] = [];
  const logger = capturingLogger(lines);
  notion = createNotionClient({
    token: 'test-token-not-secret',
    notionVersion: version as NotionVersion,
    baseUrl: server.url,
    logger,
    limiter: createRateLimiter({ requestsPerMinute: 100_000, logger }),
  });
  return { notion, logger, lines, server };
}

async function discover(
  options: FakeOptions,
  more: { since?: string; version?: string; extraDataSourceIds?: string[] } = {},
) {
  const { notion, logger, lines, server } = await start(options, more.version);
  const stats = emptyDiscoveryStats();
  const notices: string[] = [];
  const found: DiscoveredPage[] = [];
  let ids: string[] = [];
  for await (const page of discoverPages(
    notion,
    {
      since: more.since,
      logger,
      pageSize: 3,
      notice: (message) => notices.push(message),
      extraDataSourceIds: more.extraDataSourceIds,
      onDataSourceIds: (list) => {
        ids = list;
      },
    },
    stats,
  )) {
    found.push(page);
  }
  const warnings = lines.map((line) => JSON.parse(line)).filter((line) => line.level === 'warn');
  return { found, stats, notices, warnings, requests: server.requests, dataSourceIds: ids };
}

const standalone = (n: number, from = 0): Row[] =>
  Array.from({ length: n }, (_, i) => ({ id: id(from + i), edited: BASE + i * MINUTE, created: BASE }));
const rowsOf = (source: string, n: number, from: number, extra: Partial<Row> = {}): Row[] =>
  Array.from({ length: n }, (_, i) => ({
    id: id(from + i),
    edited: BASE + i * MINUTE,
    created: BASE,
    dataSource: source,
    inSearch: false,
    ...extra,
  }));
const sorted = (pages: { id: string }[]) => pages.map((p) => p.id).sort();

describe('discoverPages: search is a hint', () => {
  it('a search cut short by a positional cap reads oldest first, warns once and sends a notice', async () => {
    const pages = standalone(20);
    const { found, stats, notices, warnings, requests } = await discover({
      rows: pages,
      sources: [],
      searchCap: 6,
    });
    // Newest 6, then oldest 6: 12 of 20 (the middle is unreachable through search).
    expect(found).toHaveLength(12);
    expect(stats.searchCutShort).toBe(true);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/search for pages ended early .*after \d+ results/);
    expect(warnings.filter((w) => /search for pages ended early/.test(w.msg))).toHaveLength(1);
    // One restart only: the restarted run read nothing new, so it stopped there.
    const descending = requests.filter(
      (r) => r.path === '/v1/search' && r.body.includes('"page"') && r.body.includes('descending'),
    );
    expect(descending).toHaveLength(3 + 3);
  });

  it('a backfill from a start date cut short reads oldest first, skipping pages older than the bound', async () => {
    const pages = standalone(20);
    const { found } = await discover(
      { rows: pages, sources: [], searchCap: 9 },
      { since: iso(BASE + 5 * MINUTE) },
    );
    // Newest 9 (edited 11..19), then oldest first: 0..8 read, 0..4 below the bound (9 and 10 unreachable).
    expect(found.map((p) => p.id).sort()).toEqual(
      [...pages.slice(5, 9), ...pages.slice(11)].map((p) => p.id),
    );
  });

  it('the oldest-first read stops where it meets pages already seen', async () => {
    const pages = standalone(8);
    const { found, requests } = await discover({ rows: pages, sources: [], searchCap: 6 });
    expect(sorted(found)).toEqual(sorted(pages));
    const ascending = requests.filter((r) => r.path === '/v1/search' && r.body.includes('ascending'));
    expect(ascending).toHaveLength(1);
  });

  it('a search that reaches its bound before the cap is not cut short and reads no oldest first', async () => {
    const pages = standalone(20);
    const { stats, requests } = await discover(
      { rows: pages, sources: [], searchCap: 6 },
      { since: iso(BASE + 15 * MINUTE) },
    );
    expect(stats.searchCutShort).toBe(false);
    expect(requests.some((r) => r.body.includes('ascending') && r.path === '/v1/search')).toBe(false);
  });

  it('an incomplete search ends the listing without an error', async () => {
    const rows = rowsOf(id(900), 9, 100, { inSearch: true });
    const { found, stats, notices } = await discover({
      rows: [...standalone(5), ...rows],
      sources: [{ id: id(900), database: 'db-a' }],
      searchIncompleteAt: 4,
    });
    expect(stats.searchCutShort).toBe(true);
    expect(notices[0]).toMatch(/incomplete/);
    // The rows still come from their data source.
    for (const row of rows) expect(found.map((p) => p.id)).toContain(row.id);
  });
});

describe('discoverPages: every data source is found', () => {
  it('queries the siblings search omits, data sources of rows search returned, and extra ids', async () => {
    const sources: Source[] = [
      { id: id(900), database: 'db-a' },
      { id: id(901), database: 'db-a', inSearch: false },
      { id: id(902), database: 'db-b', inSearch: false },
      { id: id(903), database: 'db-c', inSearch: false },
    ];
    const rows = [
      ...rowsOf(id(900), 2, 100),
      ...rowsOf(id(901), 2, 200),
      ...rowsOf(id(902), 2, 300),
      { ...rowsOf(id(902), 1, 310)[0]!, inSearch: true },
      ...rowsOf(id(903), 2, 400),
    ];
    const { found, dataSourceIds, requests } = await discover(
      { rows, sources },
      { extraDataSourceIds: [id(903)] },
    );
    expect(sorted(found)).toEqual(sorted(rows));
    expect(dataSourceIds.sort()).toEqual(sources.map((s) => s.id).sort());
    // Each database once.
    const gets = requests.filter((r) => r.path.startsWith('/v1/databases/')).map((r) => r.path);
    expect(gets.sort()).toEqual([...new Set(gets)].sort());
  });
});

describe('discoverPages: failures are isolated per data source', () => {
  const cases = [
    { status: 403, code: 'restricted_resource', message: 'no access' },
    { status: 400, code: 'validation_error', message: 'Could not find property' },
  ];
  for (const fail of cases) {
    it(`skips a data source answering ${fail.status}, names it, and reads every other`, async () => {
      const rows = [...rowsOf(id(900), 3, 100), ...rowsOf(id(901), 3, 200), ...standalone(2, 300)];
      const { found, stats, warnings } = await discover({
        rows,
        sources: [
          { id: id(900), database: 'db-a', fail },
          { id: id(901), database: 'db-b' },
        ],
      });
      expect(sorted(found)).toEqual(sorted(rows.filter((r) => r.dataSource !== id(900))));
      expect(stats.skippedDataSources).toBe(1);
      const warning = warnings.find((w) => w.fields?.id === id(900));
      expect(warning?.fields).toMatchObject({ title: 'Source 900', requestId: `req-query-${fail.status}` });
    });
  }

  it('fails the discovery on 401 (not object-scoped)', async () => {
    const rows = rowsOf(id(900), 3, 100);
    await expect(
      discover({
        rows,
        sources: [
          { id: id(900), database: 'db-a', fail: { status: 401, code: 'unauthorized', message: 'no' } },
        ],
      }),
    ).rejects.toThrow(/401/);
  });

  it('skips an unreadable database with a warning and queries the data sources it knows', async () => {
    const rows = [...rowsOf(id(900), 2, 100), ...rowsOf(id(901), 2, 200)];
    const { found, warnings } = await discover({
      rows,
      sources: [
        { id: id(900), database: 'db-a' },
        { id: id(901), database: 'db-b', inSearch: false },
      ],
      unreadableDatabases: { 'db-a': 403 },
    });
    expect(sorted(found)).toEqual(sorted(rows.filter((r) => r.dataSource === id(900))));
    expect(warnings.some((w) => w.fields?.id === 'db-a' && w.fields?.requestId === 'req-db-403')).toBe(true);
  });
});

describe('queryDataSource: rejected cursors', () => {
  it('resumes from the last time seen, never from the start', async () => {
    const rows = rowsOf(id(900), 20, 100);
    const { found, requests } = await discover({
      rows,
      sources: [{ id: id(900), database: 'db-a' }],
      queryCap: 6,
    });
    expect(sorted(found)).toEqual(sorted(rows));
    const queries = requests.filter((r) => r.path.endsWith('/query')).map((r) => JSON.parse(r.body));
    const resumed = queries.filter((q) => q.filter?.last_edited_time?.on_or_after !== undefined);
    expect(resumed.length).toBeGreaterThanOrEqual(3);
    // No query after the first starts without a lower bound.
    expect(queries.filter((q) => q.filter === undefined && q.start_cursor === undefined)).toHaveLength(1);
  });

  it('splits a minute its cursors cannot get through by created_time', async () => {
    // 10 rows edited in one minute, created a minute apart; cursors die after 3 rows.
    const crowded = rowsOf(id(900), 10, 100).map((r, i) => ({
      ...r,
      edited: BASE,
      created: BASE - (10 - i) * MINUTE,
    }));
    const { found, stats } = await discover({
      rows: crowded,
      sources: [{ id: id(900), database: 'db-a' }],
      queryCap: 3,
    });
    expect(sorted(found)).toEqual(sorted(crowded));
    expect(stats.skippedDataSources).toBe(0);
  });

  it('skips a data source whose resumed query makes no progress', async () => {
    // 10 rows in one minute, cursors dying after 3: every resumed query re-reads the same minute.
    const crowded = rowsOf(id(900), 10, 100).map((r) => ({ ...r, edited: BASE }));
    const other = rowsOf(id(901), 2, 200);
    const { found, stats, warnings } = await discover({
      rows: [...crowded, ...other],
      sources: [
        { id: id(900), database: 'db-a' },
        { id: id(901), database: 'db-b' },
      ],
      queryCap: 3,
    });
    expect(stats.skippedDataSources).toBe(1);
    expect(warnings.some((w) => w.fields?.id === id(900))).toBe(true);
    for (const row of other) expect(found.map((p) => p.id)).toContain(row.id);
  });
});

describe('discoverPages on Notion-Version 2026-12-01', () => {
  it('queries with filter_properties and hands out rows with the query copy, never the title-only one', async () => {
    const rows = rowsOf(id(900), 4, 100, { inSearch: true });
    const { found, requests } = await discover(
      { rows, sources: [{ id: id(900), database: 'db-a' }] },
      { version: '2026-12-01' },
    );
    expect(sorted(found)).toEqual(sorted(rows));
    for (const page of found) expect(Object.keys(page.page?.properties ?? {})).toEqual(['Name', 'Score']);
    const query = requests.find((r) => r.path.includes('/query'))!;
    const params = new URL(query.path, 'http://x').searchParams.getAll('filter_properties');
    // The SDK sends property ids decoded (as Notion's own client does).
    expect(params.sort()).toEqual(['a;b', 'title']);
  });

  it('yields a row of a data source that could not be queried without its object', async () => {
    const rows = rowsOf(id(900), 2, 100, { inSearch: true });
    const { found } = await discover(
      {
        rows,
        sources: [
          { id: id(900), database: 'db-a', fail: { status: 403, code: 'restricted_resource', message: 'x' } },
        ],
      },
      { version: '2026-12-01' },
    );
    expect(sorted(found)).toEqual(sorted(rows));
    for (const page of found) expect(page.page).toBeUndefined();
  });
});

describe('DataSourceListings', () => {
  it('lists siblings through their databases, keeps the databases it read, and reports late databases', async () => {
    const sources: Source[] = [
      { id: id(900), database: 'db-a' },
      { id: id(901), database: 'db-a', inSearch: false },
      { id: id(902), database: 'db-late', inSearch: false },
    ];
    const { notion } = await start({ rows: [...rowsOf(id(902), 3, 300)], sources });
    const clock = createFakeClock(BASE);
    const late: DiscoveredPage[] = [];
    const listings = createDataSourceListings(
      { clock, reuseWindowMs: 60_000, retainedObjects: 10 },
      { onLateRows: (rows) => late.push(...rows) },
    );
    const listing = listings.list(notion, { needsObjects: true });
    const ids: string[] = [];
    for await (const source of listing.results) ids.push(source.id);
    expect(ids.sort()).toEqual([id(900), id(901)]);
    expect([...listing.databases.keys()]).toEqual(['db-a']);

    listings.reportDatabases(notion, ['db-a', 'db-late']);
    await listings.settled();
    expect(sorted(late)).toEqual([id(300), id(301), id(302)]);
    // Known from now on: the next listing includes it (after the reuse window).
    await clock.advance(120_000);
    const next: string[] = [];
    for await (const source of listings.list(notion).results) next.push(source.id);
    expect(next.sort()).toEqual([id(900), id(901), id(902)]);
  });

  it('data sources a discovery learned (rows, extra ids) are in every later data source listing', async () => {
    const sources: Source[] = [
      { id: id(900), database: 'db-a' },
      { id: id(903), database: 'db-c', inSearch: false },
    ];
    const { notion, logger } = await start({ rows: rowsOf(id(903), 2, 400), sources });
    const clock = createFakeClock(BASE);
    const options = { clock, reuseWindowMs: 60_000, retainedObjects: 10 };
    const dataSourceListings = createDataSourceListings(options);
    const pageListings = createPageListings(options, dataSourceListings);
    const discovery = pageListings.discover(notion, { logger, extraDataSourceIds: [id(903)] });
    const found: string[] = [];
    for await (const page of discovery.pages) found.push(page.id);
    expect(found.sort()).toEqual([id(400), id(401)]);
    expect(discovery.dataSourceIds().sort()).toEqual([id(900), id(903)]);

    await clock.advance(120_000);
    const listed: string[] = [];
    for await (const source of dataSourceListings.list(notion, { needsObjects: true }).results)
      listed.push(source.id);
    expect(listed.sort()).toEqual([id(900), id(903)]);
  });

  it('a page discovery through shared listings reports skipped data sources to every reader', async () => {
    const rows = [...rowsOf(id(900), 2, 100), ...rowsOf(id(901), 2, 200)];
    const { notion, logger } = await start({
      rows,
      sources: [
        { id: id(900), database: 'db-a', fail: { status: 403, code: 'restricted_resource', message: 'x' } },
        { id: id(901), database: 'db-b' },
      ],
    });
    const clock = createFakeClock(BASE);
    const options = { clock, reuseWindowMs: 60_000, retainedObjects: 10 };
    const pageListings = createPageListings(options, createDataSourceListings(options));
    const first = emptyDiscoveryStats();
    const second = emptyDiscoveryStats();
    const a = pageListings.discover(notion, { logger }, first);
    const b = pageListings.discover(notion, { logger }, second);
    const read = async (pages: AsyncIterable<DiscoveredPage>) => {
      const out: DiscoveredPage[] = [];
      for await (const page of pages) out.push(page);
      return out;
    };
    const [foundA, foundB] = await Promise.all([read(a.pages), read(b.pages)]);
    expect(b.shared).toBe(true);
    expect(sorted(foundA)).toEqual(sorted(foundB));
    expect(first.skippedDataSources).toBe(1);
    expect(second.skippedDataSources).toBe(1);
    expect(a.dataSourceIds().sort()).toEqual([id(900), id(901)]);
  });
});
