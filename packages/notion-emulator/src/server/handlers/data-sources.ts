import type {
  DatabaseObjectResponse,
  DataSourceObjectResponse,
  QueryDataSourceResponse,
} from '@notionhq/client';
import { renderDatabase, renderDataSource } from '../../render/data-source.js';
import { renderPage } from '../../render/page.js';
import type { PageRecord } from '../../workspace/model.js';
import type { ApiEnv, ApiRequest } from '../api-context.js';
import { notFound, validationError } from '../errors.js';
import { paginate, parsePageArgs } from '../paginate.js';
import { listedProperties } from './list-properties.js';
import { compileFilter, compileSorts } from './query-filter.js';

export function getDatabase(env: ApiEnv, req: ApiRequest): DatabaseObjectResponse {
  const id = req.params.database_id ?? '';
  const db = env.ws.databaseById(id);
  if (!db || !env.ws.databaseAccessible(db.idx)) throw notFound('database', id);
  return renderDatabase({ ws: env.ws, now: req.now }, db);
}

export function getDataSource(env: ApiEnv, req: ApiRequest): DataSourceObjectResponse {
  const id = req.params.data_source_id ?? '';
  const ds = env.ws.dataSourceById(id);
  if (!ds || !env.ws.dataSourceAccessible(ds.idx)) throw notFound('data_source', id);
  return renderDataSource({ ws: env.ws, now: req.now }, ds);
}

export function queryDataSource(env: ApiEnv, req: ApiRequest): QueryDataSourceResponse {
  const id = req.params.data_source_id ?? '';
  const ws = env.ws;
  const ds = ws.dataSourceById(id);
  if (!ds || !ws.dataSourceAccessible(ds.idx)) throw notFound('data_source', id);
  const body = req.body;
  const args = parsePageArgs('body', body.start_cursor, body.page_size);
  if (body.in_trash !== undefined && typeof body.in_trash !== 'boolean') {
    throw validationError('body failed validation: body.in_trash should be a boolean.');
  }
  const inTrash = body.in_trash === true;
  const predicate = compileFilter(body.filter);
  const comparator = compileSorts(body.sorts, ds.properties.find((p) => p.type === 'title')?.name);
  const rows: PageRecord[] = [];
  for (const idx of ds.rowIdxs) {
    const page = ws.pages[idx];
    if (!page || page.inTrash !== inTrash || !ws.pageAccessible(idx) || !predicate(page)) continue;
    rows.push(page);
  }
  rows.sort(comparator);
  const scope = `query:${ds.id}:${JSON.stringify([body.filter ?? null, body.sorts ?? null, inTrash])}`;
  const page = paginate(env.cursors, rows, (p) => p.id, scope, args, {
    now: req.now,
    limit: env.queryResultLimit,
    ttlMs: env.limits.cursorTtlSeconds === null ? null : env.limits.cursorTtlSeconds * 1000,
  });
  const render = { ws, now: req.now, computedReferenceLimit: env.limits.computedReferenceLimit };
  const only = listedProperties(req);
  const response: QueryDataSourceResponse = {
    object: 'list',
    results: page.results.map((p) => renderPage(render, p, only ? { filterProperties: only } : {})),
    next_cursor: page.nextCursor,
    has_more: page.hasMore,
    type: 'page_or_data_source',
    page_or_data_source: {},
  };
  if (page.incomplete)
    response.request_status = { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' };
  return response;
}
