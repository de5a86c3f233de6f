import type { ApiRequest } from '../api-context.js';

/** `filter_properties` from the query string (`filter_properties=a&filter_properties=b`, or `[]` suffix). */
export function requestedProperties(query: URLSearchParams): string[] | undefined {
  const values = [...query.getAll('filter_properties'), ...query.getAll('filter_properties[]')];
  return values.length > 0 ? values : undefined;
}

/**
 * The properties a list (search, data source query) renders for each page: the requested ones;
 * without `filter_properties`, every property, except on 2026-12-01, which returns only the title.
 */
export function listedProperties(req: ApiRequest): readonly string[] | undefined {
  return requestedProperties(req.query) ?? (req.version === '2026-12-01' ? ['title'] : undefined);
}
