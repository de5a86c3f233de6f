import { normalizeUuid } from '../workspace/ids.js';
import { ApiError, validationError } from './errors.js';

export const ROUTE_NAMES = [
  'users.me',
  'users.list',
  'users.get',
  'search',
  'databases.get',
  'data_sources.get',
  'data_sources.query',
  'pages.get',
  'pages.property',
  'pages.markdown',
  'blocks.get',
  'blocks.children',
  'comments.list',
] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

export interface MatchedRoute {
  route: RouteName;
  params: Record<string, string>;
}

interface RouteSpec {
  route: RouteName;
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** Names of the captured path parameters; `*_id` ones must be UUIDs. */
  names: string[];
}

const SEGMENT = '([^/]+)';
const ROUTES: RouteSpec[] = [
  { route: 'users.me', method: 'GET', pattern: /^\/v1\/users\/me$/, names: [] },
  { route: 'users.list', method: 'GET', pattern: /^\/v1\/users$/, names: [] },
  { route: 'users.get', method: 'GET', pattern: new RegExp(`^/v1/users/${SEGMENT}$`), names: ['user_id'] },
  { route: 'search', method: 'POST', pattern: /^\/v1\/search$/, names: [] },
  {
    route: 'databases.get',
    method: 'GET',
    pattern: new RegExp(`^/v1/databases/${SEGMENT}$`),
    names: ['database_id'],
  },
  {
    route: 'data_sources.get',
    method: 'GET',
    pattern: new RegExp(`^/v1/data_sources/${SEGMENT}$`),
    names: ['data_source_id'],
  },
  {
    route: 'data_sources.query',
    method: 'POST',
    pattern: new RegExp(`^/v1/data_sources/${SEGMENT}/query$`),
    names: ['data_source_id'],
  },
  { route: 'pages.get', method: 'GET', pattern: new RegExp(`^/v1/pages/${SEGMENT}$`), names: ['page_id'] },
  {
    route: 'pages.property',
    method: 'GET',
    pattern: new RegExp(`^/v1/pages/${SEGMENT}/properties/${SEGMENT}$`),
    names: ['page_id', 'property_id'],
  },
  {
    route: 'pages.markdown',
    method: 'GET',
    pattern: new RegExp(`^/v1/pages/${SEGMENT}/markdown$`),
    names: ['page_id'],
  },
  { route: 'blocks.get', method: 'GET', pattern: new RegExp(`^/v1/blocks/${SEGMENT}$`), names: ['block_id'] },
  {
    route: 'blocks.children',
    method: 'GET',
    pattern: new RegExp(`^/v1/blocks/${SEGMENT}/children$`),
    names: ['block_id'],
  },
  { route: 'comments.list', method: 'GET', pattern: /^\/v1\/comments$/, names: [] },
];

export function invalidRequestUrl(): ApiError {
  return new ApiError(400, 'invalid_request_url', 'Invalid request URL.');
}

/** Matches method + path; throws invalid_request_url for anything else, validation_error for a bad id. */
export function matchRoute(method: string, pathname: string): MatchedRoute {
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  for (const spec of ROUTES) {
    if (spec.method !== method) continue;
    const m = spec.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    spec.names.forEach((name, i) => {
      const raw = m[i + 1] ?? '';
      let decoded = raw;
      try {
        decoded = decodeURIComponent(raw);
      } catch {
        // keep the raw segment: it fails validation below
      }
      if (name.endsWith('_id') && name !== 'property_id') {
        const id = normalizeUuid(decoded);
        if (!id)
          throw validationError(
            `path failed validation: path.${name} should be a valid uuid, instead was \`"${raw}"\`.`,
          );
        params[name] = id;
      } else {
        params[name] = raw;
      }
    });
    return { route: spec.route, params };
  }
  throw invalidRequestUrl();
}
