import type { Client } from '@notionhq/client';
import { z } from 'zod';
import { isNotionApiError, ResponseValidationError } from './errors.js';
import type { NotionClient } from './notion-client.js';
import { iterateResults } from './pagination.js';

/** Any object of a list (search returns pages and data sources). */
export const notionObjectSchema = z.looseObject({ object: z.string(), id: z.string() });
export type NotionObject = z.output<typeof notionObjectSchema>;

/**
 * One `GET` of a Notion object through core's client (limiter, retries), parsed by `schema`;
 * `undefined` when Notion answers 404 `object_not_found` (deleted, or no longer shared with the
 * integration). Any other failure is thrown; an unexpected shape is a ResponseValidationError
 * naming the operation and the request id.
 */
export async function retrieveNotionObject<S extends z.ZodType>(
  notion: NotionClient,
  operation: string,
  retrieve: (sdk: Client) => Promise<unknown>,
  schema: S,
  signal?: AbortSignal,
): Promise<z.output<S> | undefined> {
  let raw: unknown;
  try {
    raw = await notion.call(operation, retrieve, signal === undefined ? {} : { signal });
  } catch (error) {
    if (isNotionApiError(error, 'object_not_found')) return undefined;
    throw error;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const requestId = (raw as { request_id?: unknown } | null)?.request_id;
    throw ResponseValidationError.fromZodError(parsed.error, {
      operation,
      requestId: typeof requestId === 'string' ? requestId : undefined,
    });
  }
  return parsed.data;
}

export interface IterateSearchObjectsOptions {
  signal?: AbortSignal | undefined;
  /** Default 'search pages' or 'search data sources'. */
  operation?: string;
}

/**
 * Every object of one kind that `POST /v1/search` lists (`filter: {property: 'object', value}`),
 * each once: a listing restarted after an expired cursor repeats results, and results of another
 * kind are skipped. Each result is checked to have `object` and `id` (unknown fields kept: search
 * may return complete objects, or partial ones with just an id). An incomplete page throws
 * IncompleteListError after its results.
 */
export async function* iterateSearchObjects(
  notion: NotionClient,
  object: 'page' | 'data_source',
  options: IterateSearchObjectsOptions = {},
): AsyncGenerator<NotionObject, void, undefined> {
  const operation = options.operation ?? (object === 'page' ? 'search pages' : 'search data sources');
  const seen = new Set<string>();
  const results = iterateResults<unknown>(
    notion,
    operation,
    (sdk, args) => sdk.search({ ...args, filter: { property: 'object', value: object } }),
    options.signal === undefined ? {} : { signal: options.signal },
  );
  for await (const raw of results) {
    const result = notionObjectSchema.safeParse(raw);
    if (!result.success) throw ResponseValidationError.fromZodError(result.error, { operation });
    if (result.data.object !== object || seen.has(result.data.id)) continue;
    seen.add(result.data.id);
    yield result.data;
  }
}
