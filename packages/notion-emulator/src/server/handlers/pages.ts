import type { GetPagePropertyResponse, PageObjectResponse } from '@notionhq/client';
import {
  completePropertyValue,
  pageSchema,
  propertyItem,
  propertyItems,
  renderPage,
  sameProperty,
} from '../../render/page.js';
import type { PageRecord } from '../../workspace/model.js';
import type { ApiEnv, ApiRequest } from '../api-context.js';
import { ApiError, notFound } from '../errors.js';
import { paginate, parsePageArgs } from '../paginate.js';
import { requestedProperties } from './list-properties.js';

function accessiblePage(env: ApiEnv, id: string): PageRecord {
  const page = env.ws.pageById(id);
  if (!page || !env.ws.pageAccessible(page.idx)) throw notFound('page', id);
  return page;
}

export function getPage(env: ApiEnv, req: ApiRequest): PageObjectResponse {
  const page = accessiblePage(env, req.params.page_id ?? '');
  const only = requestedProperties(req.query);
  const ctx = { ws: env.ws, now: req.now, computedReferenceLimit: env.limits.computedReferenceLimit };
  return renderPage(ctx, page, only ? { filterProperties: only } : {});
}

export function getPageProperty(env: ApiEnv, req: ApiRequest): GetPagePropertyResponse {
  const page = accessiblePage(env, req.params.page_id ?? '');
  const propertyId = req.params.property_id ?? '';
  const schema = pageSchema({ ws: env.ws, now: req.now }, page);
  const index = schema.findIndex((def) => sameProperty(propertyId, def.id));
  const def = schema[index];
  if (!def) throw new ApiError(404, 'object_not_found', `Could not find property with ID: ${propertyId}.`);
  const value = completePropertyValue({ ws: env.ws, now: req.now }, page, def, index);
  if (value.type === 'rollup') {
    return {
      object: 'list',
      results: [],
      next_cursor: null,
      has_more: false,
      type: 'property_item',
      property_item: {
        id: def.id,
        type: 'rollup',
        rollup:
          value.rollup.type === 'number'
            ? { type: 'number', number: value.rollup.number, function: value.rollup.function }
            : { type: 'unsupported', unsupported: {}, function: value.rollup.function },
        next_url: null,
      },
    };
  }
  const items = propertyItems(value);
  if (!items) return propertyItem(value);
  const args = parsePageArgs(
    'query',
    req.query.get('start_cursor') ?? undefined,
    req.query.get('page_size') ?? undefined,
  );
  const keyed = items.map((item, i) => ({ item, key: String(i) }));
  const result = paginate(env.cursors, keyed, (k) => k.key, `property:${page.id}:${def.id}`, args, {
    now: req.now,
  });
  const nextUrl = result.nextCursor
    ? `${env.baseUrl()}/v1/pages/${page.id}/properties/${def.id}?start_cursor=${encodeURIComponent(result.nextCursor)}`
    : null;
  const type = value.type as 'title' | 'rich_text' | 'people' | 'relation';
  const propertyItemHeader =
    type === 'title'
      ? { id: def.id, type, title: {}, next_url: nextUrl }
      : type === 'rich_text'
        ? { id: def.id, type, rich_text: {}, next_url: nextUrl }
        : type === 'people'
          ? { id: def.id, type, people: {}, next_url: nextUrl }
          : { id: def.id, type, relation: {}, next_url: nextUrl };
  return {
    object: 'list',
    results: result.results.map((k) => k.item),
    next_cursor: result.nextCursor,
    has_more: result.hasMore,
    type: 'property_item',
    property_item: propertyItemHeader,
  };
}
