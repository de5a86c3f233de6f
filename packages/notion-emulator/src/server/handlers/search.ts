import type { SearchResponse } from '@notionhq/client';
import { hashInts } from '../../random.js';
import { renderDataSource } from '../../render/data-source.js';
import { renderPage } from '../../render/page.js';
import type { DataSourceRecord, PageRecord } from '../../workspace/model.js';
import type { ApiEnv, ApiRequest } from '../api-context.js';
import { invalidCursor, validationError } from '../errors.js';
import { paginate, parsePageArgs } from '../paginate.js';
import { listedProperties } from './list-properties.js';

interface SearchEntry {
  kind: 'page' | 'data_source';
  record: PageRecord | DataSourceRecord;
  edited: number;
  key: string;
}

/** A seeded draw in [0, 1), stable per object and edit. */
function draw(env: ApiEnv, salt: number, idx: number, edited: number): number {
  return hashInts(env.seed, salt, idx, edited / 60_000) / 4294967296;
}

/**
 * Whether search leaves this page out (stable per page and edit): the omission fault drops any
 * page; the realistic limit only pages something else reaches (a parent page's child_page block,
 * their data source's query), never a workspace-level page.
 */
function pageOmitted(env: ApiEnv, page: PageRecord, edited: number): boolean {
  if (env.search.omitRate > 0 && draw(env, 0x5ea7c4, page.idx, edited) < env.search.omitRate) return true;
  const rate = env.limits.searchOmitPageRate;
  return rate > 0 && page.parent.type !== 'workspace' && draw(env, 0x5ea7c5, page.idx, edited) < rate;
}

/** Likewise for data sources: only those whose database sits in a page (a child_database block). */
function dataSourceOmitted(env: ApiEnv, ds: DataSourceRecord, edited: number): boolean {
  const rate = env.limits.searchOmitDataSourceRate;
  if (rate <= 0 || env.ws.databases[ds.databaseIdx]?.parent.type !== 'page') return false;
  return draw(env, 0x5ea7c6, ds.idx, edited) < rate;
}

/** Search listings by scope, valid while the workspace is unchanged (and search has no lag). */
const listings = new WeakMap<ApiEnv, { revision: number; byScope: Map<string, SearchEntry[]> }>();

/** What search lists for these parameters, in order (memoized per workspace revision without lag). */
function searchIndex(
  env: ApiEnv,
  objectFilter: 'page' | 'data_source' | undefined,
  direction: 'ascending' | 'descending',
  text: string,
  now: number,
): SearchEntry[] {
  const key = `${objectFilter ?? '*'}:${direction}:${text}`;
  const cacheable = env.search.indexLagMs === 0;
  let memo = listings.get(env);
  if (cacheable) {
    if (!memo || memo.revision !== env.ws.revision) {
      memo = { revision: env.ws.revision, byScope: new Map() };
      listings.set(env, memo);
    }
    const known = memo.byScope.get(key);
    if (known) return known;
  }
  const ws = env.ws;
  const asOf = now - env.search.indexLagMs;
  const entries: SearchEntry[] = [];
  if (objectFilter !== 'data_source') {
    for (const page of ws.pages) {
      if (page.hiddenFromSearch || !ws.pageAccessible(page.idx)) continue;
      const state = ws.searchState(page, asOf);
      if (!state.existed || state.inTrash || pageOmitted(env, page, state.edited)) continue;
      if (text && !page.title.toLowerCase().includes(text)) continue;
      entries.push({ kind: 'page', record: page, edited: state.edited, key: page.id });
    }
  }
  if (objectFilter !== 'page') {
    for (const ds of ws.dataSources) {
      if (ds.hiddenFromSearch || !ws.dataSourceAccessible(ds.idx)) continue;
      const state = ws.searchState(ds, asOf);
      if (!state.existed || dataSourceOmitted(env, ds, state.edited)) continue;
      if (text && !ds.title.toLowerCase().includes(text)) continue;
      entries.push({ kind: 'data_source', record: ds, edited: state.edited, key: ds.id });
    }
  }
  const sign = direction === 'ascending' ? 1 : -1;
  entries.sort((a, b) => sign * (a.edited - b.edited) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  if (cacheable && memo) {
    if (memo.byScope.size >= 8) memo.byScope.clear();
    memo.byScope.set(key, entries);
  }
  return entries;
}

export function search(env: ApiEnv, req: ApiRequest): SearchResponse {
  const body = req.body;
  const args = parsePageArgs('body', body.start_cursor, body.page_size);
  let objectFilter: 'page' | 'data_source' | undefined;
  if (body.filter !== undefined) {
    const filter = body.filter as Record<string, unknown> | null;
    if (!filter || typeof filter !== 'object' || filter.property !== 'object') {
      throw validationError('body failed validation: body.filter.property should be `"object"`.');
    }
    if (filter.value !== 'page' && filter.value !== 'data_source') {
      throw validationError(
        `body failed validation: body.filter.value should be \`"page"\` or \`"data_source"\`, instead was \`${JSON.stringify(filter.value)}\`.`,
      );
    }
    objectFilter = filter.value;
  }
  let direction: 'ascending' | 'descending' = 'descending';
  if (body.sort !== undefined) {
    const sort = body.sort as Record<string, unknown> | null;
    if (!sort || typeof sort !== 'object' || sort.timestamp !== 'last_edited_time') {
      throw validationError('body failed validation: body.sort.timestamp should be `"last_edited_time"`.');
    }
    if (sort.direction !== 'ascending' && sort.direction !== 'descending') {
      throw validationError(
        `body failed validation: body.sort.direction should be \`"ascending"\` or \`"descending"\`, instead was \`${JSON.stringify(sort.direction)}\`.`,
      );
    }
    direction = sort.direction;
  }
  if (body.query !== undefined && typeof body.query !== 'string') {
    throw validationError('body failed validation: body.query should be a string.');
  }
  const text = typeof body.query === 'string' ? body.query.trim().toLowerCase() : '';

  const ws = env.ws;
  const entries = searchIndex(env, objectFilter, direction, text, req.now);

  const scope = `search:${objectFilter ?? '*'}:${direction}:${text}`;
  const { cursorTtlResults, cursorTtlSeconds } = env.search;
  const { searchPositionCap, searchCapMode, cursorTtlSeconds: ttlSeconds } = env.limits;
  const page = paginate(env.cursors, entries, (e) => e.key, scope, args, {
    now: req.now,
    ...(searchPositionCap !== null ? { limit: searchPositionCap, atLimit: searchCapMode } : {}),
    ttlMs: ttlSeconds === null ? null : ttlSeconds * 1000,
    check: (state) => {
      const cursor = args.startCursor ?? '';
      if (cursorTtlResults !== undefined && state.served >= cursorTtlResults) throw invalidCursor(cursor);
      if (cursorTtlSeconds !== undefined && req.now - state.started > cursorTtlSeconds * 1000)
        throw invalidCursor(cursor);
    },
  });
  const render = { ws, now: req.now, computedReferenceLimit: env.limits.computedReferenceLimit };
  const only = listedProperties(req);
  const response: SearchResponse = {
    object: 'list',
    results: page.results.map((e) =>
      e.kind === 'page'
        ? renderPage(render, e.record as PageRecord, only ? { filterProperties: only } : {})
        : renderDataSource(render, e.record as DataSourceRecord),
    ),
    next_cursor: page.nextCursor,
    has_more: page.hasMore,
    type: 'page_or_data_source',
    page_or_data_source: {},
  };
  if (page.incomplete)
    response.request_status = { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' };
  return response;
}
