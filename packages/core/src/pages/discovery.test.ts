import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../logger.js';
import { createNotionClient, type NotionClient } from '../notion-client.js';
import { createRateLimiter } from '../rate-limiter.js';
import { startTestServer, type TestServer } from '../testing/http-test-server.js';
import { type DiscoveryStats, discoverPages, emptyDiscoveryStats } from './discovery.js';

interface FakePage {
  id: string;
  edited: number;
  created: number;
  dataSource?: string;
  inSearch?: boolean;
}

const MINUTE = 60_000;
const BASE = Date.UTC(2025, 0, 1);
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const iso = (ms: number) => new Date(ms).toISOString();
const page = (p: FakePage) => ({
  object: 'page',
  id: p.id,
  created_time: iso(p.created),
  last_edited_time: iso(p.edited),
  parent: p.dataSource
    ? { type: 'data_source_id', data_source_id: p.dataSource }
    : { type: 'workspace', workspace: true },
  properties: {},
});

type Filter = { timestamp?: string; value?: string; and?: Filter[]; [key: string]: unknown };
interface QueryBody {
  start_cursor?: string;
  page_size?: number;
  filter?: Filter;
  sorts?: Array<{ timestamp?: string }>;
}

/** A scripted Notion: search (pages, data sources), and data source queries with the row cap. */
function fakeNotion(
  pages: FakePage[],
  options: { dataSources: string[]; limit?: number; missing?: string[] },
) {
  const list = (results: unknown[], start: number, size: number, incomplete = false) => ({
    object: 'list',
    results: results.slice(start, start + size),
    has_more: start + size < results.length,
    next_cursor: start + size < results.length ? String(start + size) : null,
    ...(incomplete
      ? { request_status: { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' } }
      : {}),
  });
  return async (
    request: { method: string; path: string; body: string },
    response: import('node:http').ServerResponse,
  ) => {
    const body = JSON.parse(request.body || '{}') as QueryBody;
    const start = Number(body.start_cursor ?? 0);
    const size = Number(body.page_size ?? 100);
    let answer: unknown;
    if (request.path === '/v1/search' && body.filter?.value === 'page') {
      const sorted = pages.filter((p) => p.inSearch !== false).sort((a, b) => b.edited - a.edited);
      answer = list(sorted.map(page), start, size);
    } else if (request.path === '/v1/search') {
      answer = list(
        options.dataSources.map((ds) => ({ object: 'data_source', id: ds })),
        start,
        size,
      );
    } else {
      const match = /^\/v1\/data_sources\/([^/]+)\/query$/.exec(request.path);
      const ds = match?.[1] ?? '';
      if (options.missing?.includes(ds)) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ object: 'error', status: 404, code: 'object_not_found', message: 'not found' }),
        );
        return;
      }
      const filters: Filter[] = body.filter?.and ?? (body.filter ? [body.filter] : []);
      let rows = pages.filter((p) => p.dataSource === ds);
      for (const f of filters) {
        const field = f.timestamp === 'created_time' ? 'created' : 'edited';
        const cond = (f[f.timestamp ?? ''] ?? {}) as { on_or_after?: string; on_or_before?: string };
        const after = cond.on_or_after === undefined ? undefined : Date.parse(cond.on_or_after);
        const before = cond.on_or_before === undefined ? undefined : Date.parse(cond.on_or_before);
        if (after !== undefined) rows = rows.filter((p) => p[field] >= after);
        if (before !== undefined) rows = rows.filter((p) => p[field] <= before);
      }
      const key = body.sorts?.[0]?.timestamp === 'created_time' ? 'created' : 'edited';
      rows.sort((a, b) => a[key] - b[key] || (a.id < b.id ? -1 : 1));
      const limit = options.limit ?? 10_000;
      const capped = rows.slice(0, limit);
      const end = Math.min(start + size, capped.length);
      answer = list(capped.map(page), start, size, rows.length > limit && end >= capped.length);
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer));
  };
}

let server: TestServer | undefined;
let notion: NotionClient | undefined;
afterEach(async () => {
  await notion?.close();
  await server?.close();
});

async function discover(
  pages: FakePage[],
  options: Parameters<typeof fakeNotion>[1],
  since?: string,
  pageSize = 3,
) {
  server = await startTestServer(fakeNotion(pages, options));
  const logger = createSilentLogger();
  notion = createNotionClient({
    token: 'test-token-not-secret',
    notionVersion: '2025-09-03',
    baseUrl: server.url,
    logger,
    limiter: createRateLimiter({ requestsPerMinute: 100_000, logger }),
  });
  const stats: DiscoveryStats = emptyDiscoveryStats();
  const found = [];
  for await (const p of discoverPages(notion, { since, logger, pageSize }, stats)) found.push(p);
  return { found, stats, requests: server.requests };
}

describe('discoverPages', () => {
  const standalone = Array.from({ length: 7 }, (_, i) => ({
    id: id(i),
    edited: BASE + i * MINUTE,
    created: BASE,
  }));
  const rows = Array.from({ length: 9 }, (_, i) => ({
    id: id(100 + i),
    edited: BASE + i * MINUTE,
    created: BASE + i,
    dataSource: id(900),
    inSearch: i % 2 === 0,
  }));

  it('yields every page once, from search and from every data source (rows search omits included)', async () => {
    const { found, stats } = await discover([...standalone, ...rows], { dataSources: [id(900)] });
    expect(found.map((p) => p.id).sort()).toEqual([...standalone, ...rows].map((p) => p.id).sort());
    expect(
      found
        .filter((p) => p.source === 'data_source')
        .map((p) => p.id)
        .sort(),
    ).toEqual(
      rows
        .filter((r) => !r.inSearch)
        .map((r) => r.id)
        .sort(),
    );
    expect(stats.dataSources).toBe(1);
  });

  it('stops search below `since` and filters queries on_or_after it', async () => {
    const since = iso(BASE + 5 * MINUTE);
    const { found, requests } = await discover([...standalone, ...rows], { dataSources: [id(900)] }, since);
    expect(found.map((p) => p.id).sort()).toEqual(
      [...standalone, ...rows]
        .filter((p) => p.edited >= Date.parse(since))
        .map((p) => p.id)
        .sort(),
    );
    const searches = requests.filter((r) => r.path === '/v1/search' && r.body.includes('"page"'));
    // 12 pages in search, 3 per page, 4 edited since: the second page reaches below `since` (of 4 pages).
    expect(searches).toHaveLength(2);
    const query = JSON.parse(requests.find((r) => r.path.endsWith('/query'))!.body);
    expect(query.filter).toEqual({ timestamp: 'last_edited_time', last_edited_time: { on_or_after: since } });
  });

  it('continues a query past the row cap with a narrower window', async () => {
    const { found, stats } = await discover(rows, { dataSources: [id(900)], limit: 4 });
    expect(found.map((p) => p.id).sort()).toEqual(rows.map((p) => p.id).sort());
    expect(stats.narrowedQueries).toBeGreaterThanOrEqual(2);
  });

  it('splits a minute holding more rows than the cap by created_time', async () => {
    const crowded = Array.from({ length: 10 }, (_, i) => ({
      id: id(200 + i),
      edited: BASE,
      created: BASE - 100 * MINUTE + i * MINUTE,
      dataSource: id(901),
      inSearch: false,
    }));
    const later = { id: id(300), edited: BASE + MINUTE, created: BASE, dataSource: id(901), inSearch: false };
    const { found } = await discover([...crowded, later], { dataSources: [id(901)], limit: 4 }, iso(BASE));
    expect(found.map((p) => p.id).sort()).toEqual([...crowded, later].map((p) => p.id).sort());
  });

  it('skips a data source that answers 404', async () => {
    const { found } = await discover([...standalone, ...rows], {
      dataSources: [id(902), id(900)],
      missing: [id(902)],
    });
    expect(found).toHaveLength(standalone.length + rows.length);
  });
});
