import { z } from 'zod';
import { ResponseValidationError } from './errors.js';
import type { NotionClient } from './notion-client.js';
import { iteratePages, type ListPage, type ListResponse } from './pagination.js';

/** A Notion page object (unknown fields kept). */
export const notionPageSchema = z.looseObject({
  object: z.literal('page'),
  id: z.string(),
  created_time: z.string().optional(),
  last_edited_time: z.string(),
  in_trash: z.boolean().optional(),
  archived: z.boolean().optional(),
  parent: z.looseObject({ type: z.string() }).optional(),
  properties: z.record(z.string(), z.looseObject({ id: z.string(), type: z.string() })).optional(),
});
export type NotionPage = z.output<typeof notionPageSchema>;

/** Any object of a list (search returns pages and data sources). */
export const notionObjectSchema = z.looseObject({ object: z.string(), id: z.string() });
export type NotionObject = z.output<typeof notionObjectSchema>;

/** Notion's list envelope, results parsed by `item`. */
export function notionListSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    object: z.literal('list'),
    results: z.array(item),
    has_more: z.boolean(),
    next_cursor: z.string().nullable(),
    request_status: z.unknown().optional(),
  });
}

export interface NotionRequest {
  /** Relative to /v1/, e.g. `pages/<id>`. */
  path: string;
  method: 'get' | 'post';
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
}

/**
 * One Notion request through core's client (limiter, retries), its JSON body parsed by `schema`
 * (a ResponseValidationError names the operation and request id when the shape is unexpected).
 */
export async function notionRequest<S extends z.ZodType>(
  notion: NotionClient,
  operation: string,
  request: NotionRequest,
  schema: S,
  signal?: AbortSignal,
): Promise<z.output<S>> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) query[key] = String(value);
  }
  const raw = await notion.call(
    operation,
    (sdk) =>
      sdk.request<Record<string, unknown>>({
        path: request.path,
        method: request.method,
        ...(Object.keys(query).length > 0 ? { query } : {}),
        ...(request.body !== undefined ? { body: request.body } : {}),
      }),
    signal === undefined ? {} : { signal },
  );
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const requestId = typeof raw.request_id === 'string' ? raw.request_id : undefined;
    throw ResponseValidationError.fromZodError(parsed.error, { operation, requestId });
  }
  return parsed.data;
}

export interface ListNotionOptions {
  signal?: AbortSignal | undefined;
  pageSize?: number;
}

/**
 * The pages of a Notion listing (GET with the cursor in the query, POST in the body), each result
 * parsed by `item`. Built on core's iteratePages: invalid cursors restart the listing (`restarted`
 * says so: the caller dedupes) and `incomplete` marks a truncated query.
 */
export async function* listNotion<S extends z.ZodType>(
  notion: NotionClient,
  operation: string,
  request: NotionRequest,
  item: S,
  options: ListNotionOptions = {},
): AsyncGenerator<ListPage<z.output<S>>, void, undefined> {
  const listSchema = notionListSchema(item);
  const pages = iteratePages<unknown>(
    notion,
    operation,
    async (sdk, args) => {
      const paging: Record<string, string | number> = { page_size: args.page_size };
      if (args.start_cursor !== undefined) paging.start_cursor = args.start_cursor;
      const query: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.query ?? {})) {
        if (value !== undefined) query[key] = String(value);
      }
      const raw = await sdk.request<ListResponse<unknown> & { request_id?: string }>(
        request.method === 'get'
          ? { path: request.path, method: 'get', query: { ...query, ...stringify(paging) } }
          : {
              path: request.path,
              method: 'post',
              ...(Object.keys(query).length > 0 ? { query } : {}),
              body: { ...request.body, ...paging },
            },
      );
      const parsed = listSchema.safeParse(raw);
      if (!parsed.success) {
        throw ResponseValidationError.fromZodError(parsed.error, {
          operation,
          requestId: typeof raw.request_id === 'string' ? raw.request_id : undefined,
        });
      }
      return parsed.data as ListResponse<unknown>;
    },
    { pageSize: options.pageSize ?? 100, ...(options.signal ? { signal: options.signal } : {}) },
  );
  for await (const page of pages) yield page as ListPage<z.output<S>>;
}

function stringify(values: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
}
