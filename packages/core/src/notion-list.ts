import { z } from 'zod';
import { ResponseValidationError } from './errors.js';
import type { NotionClient } from './notion-client.js';
import { iteratePages, type ListPage, type ListResponse } from './pagination.js';

export interface NotionRequest {
  /** Relative to /v1/, e.g. `blocks/<id>/children`. */
  path: string;
  method: 'get' | 'post';
  /** Query parameters; an array repeats its key (`filter_properties`). */
  query?: Record<string, string | number | readonly string[] | undefined>;
  body?: Record<string, unknown>;
}

export interface ListNotionOptions {
  signal?: AbortSignal | undefined;
  pageSize?: number;
  /** Restarts after a rejected cursor (see iteratePages). Default 3. */
  maxRestarts?: number | undefined;
}

const listChecks = new WeakMap<z.ZodType, { results: z.ZodType; asReceived: boolean }>();

/**
 * How listNotion checks a page of `item`s, built once per item schema (zod compiles a schema on
 * its first use). A loose object schema (unknown fields kept) is checked on its declared fields
 * alone and its items are yielded as received: the same values, without zod copying every object
 * (its slow path). Such a schema must not transform what it declares.
 */
function listCheck(item: z.ZodType): { results: z.ZodType; asReceived: boolean } {
  let check = listChecks.get(item);
  if (check === undefined) {
    const asReceived = item instanceof z.ZodObject && item.def.catchall !== undefined;
    check = { results: z.array(asReceived ? (item as z.ZodObject).strip() : item), asReceived };
    listChecks.set(item, check);
  }
  return check;
}

/**
 * The pages of a Notion listing (GET with the cursor in the query, POST in the body), each result
 * parsed by `item`. Built on core's iteratePages (which checks the list envelope): invalid
 * cursors restart the listing (`restarted` says so: the caller dedupes, or uses collectList) and
 * `incomplete` marks a truncated query. A result that does not parse is a ResponseValidationError
 * naming the operation and the request id.
 */
export async function* listNotion<S extends z.ZodType>(
  notion: NotionClient,
  operation: string,
  request: NotionRequest,
  item: S,
  options: ListNotionOptions = {},
): AsyncGenerator<ListPage<z.output<S>>, void, undefined> {
  const { results, asReceived } = listCheck(item);
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) query[key] = typeof value === 'object' ? [...value] : String(value);
  }
  const pages = iteratePages<unknown>(
    notion,
    operation,
    (sdk, { page_size, start_cursor }) => {
      const cursor: Record<string, string> = start_cursor === undefined ? {} : { start_cursor };
      return sdk.request<ListResponse<unknown>>(
        request.method === 'get'
          ? {
              path: request.path,
              method: 'get',
              query: { ...query, page_size: String(page_size), ...cursor },
            }
          : {
              path: request.path,
              method: 'post',
              ...(Object.keys(query).length > 0 ? { query } : {}),
              body: { ...request.body, page_size, ...cursor },
            },
      );
    },
    {
      pageSize: options.pageSize ?? 100,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.maxRestarts === undefined ? {} : { maxRestarts: options.maxRestarts }),
    },
  );
  for await (const page of pages) {
    const parsed = results.safeParse(page.results);
    if (!parsed.success) {
      throw ResponseValidationError.fromZodError(parsed.error, { operation, requestId: page.requestId });
    }
    yield { ...page, results: (asReceived ? page.results : parsed.data) as z.output<S>[] };
  }
}
