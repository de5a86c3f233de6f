import type { Client } from '@notionhq/client';
import { z } from 'zod';
import { isNotionApiError, ResponseValidationError } from './errors.js';
import type { NotionClient } from './notion-client.js';

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
