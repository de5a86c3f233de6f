import { z } from 'zod';
import { ResponseValidationError } from '../errors.js';
import type { NotionClient } from '../notion-client.js';
import { retrieveNotionObject } from '../notion-objects.js';

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

/** The parent page id of a page whose parent is a page. */
export function parentPageIdOf(page: NotionPage | undefined): string | undefined {
  const parent = page?.parent as { type?: string; page_id?: unknown } | undefined;
  return parent?.type === 'page_id' && typeof parent.page_id === 'string' ? parent.page_id : undefined;
}

/**
 * `GET /v1/pages/{id}` through core's client, parsed; undefined when Notion answers 404 (the page
 * was purged, or is no longer shared with the integration).
 */
export function retrievePage(
  notion: NotionClient,
  pageId: string,
  signal?: AbortSignal,
): Promise<NotionPage | undefined> {
  return retrieveNotionObject(
    notion,
    'retrieve page',
    (sdk) => sdk.request({ path: `pages/${pageId}`, method: 'get' }),
    notionPageSchema,
    signal,
  );
}

/** A listing result as a page, or a ResponseValidationError naming the operation and request id. */
export function parseNotionPage(raw: unknown, operation: string, requestId: string | undefined): NotionPage {
  const parsed = notionPageSchema.safeParse(raw);
  if (!parsed.success) throw ResponseValidationError.fromZodError(parsed.error, { operation, requestId });
  return parsed.data;
}
