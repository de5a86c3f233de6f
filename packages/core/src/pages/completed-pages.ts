import { isNotionApiError } from '../errors.js';
import type { NotionClient } from '../notion-client.js';
import type { StreamContext } from '../stream.js';
import { type NotionPage, retrievePage } from './page-objects.js';
import { completePage, truncatedProperties } from './page-properties.js';
import type { PageWorkItem } from './sweep-handler.js';

/**
 * Page versions whose truncated values (past 25 references) were completed through the property
 * item endpoint, shared by the streams of one capture: the pages stream and a data source's typed
 * rows read the same rows from the same listing, and the completion is paid once per version.
 */
export interface CompletedPages {
  /**
   * `page` with every incomplete value completed (completePage): at once when nothing is
   * truncated; else the completion of this page version another stream started or finished
   * recently, or a new one.
   */
  complete(notion: NotionClient, page: NotionPage, signal?: AbortSignal): Promise<NotionPage>;
}

/** Page versions remembered after their completion. Default 1,000 (only truncated pages count). */
export function createCompletedPages(capacity = 1_000): CompletedPages {
  const completions = new Map<string, Promise<NotionPage>>();
  return {
    complete(notion, page, signal) {
      if (truncatedProperties(page).length === 0) return Promise.resolve(page);
      const key = `${page.id}@${page.last_edited_time}`;
      const known = completions.get(key);
      if (known !== undefined) return known;
      const completion = completePage(notion, page, signal);
      completions.set(key, completion);
      // A failed completion is not shared: the next caller tries again.
      completion.catch(() => completions.delete(key));
      if (completions.size > capacity) completions.delete(completions.keys().next().value!);
      return completion;
    },
  };
}

/** `page` completed once for the capture (the hub's CompletedPages), or on its own without a hub. */
export function completePageOnce(
  ctx: Pick<StreamContext, 'notion' | 'hub'>,
  page: NotionPage,
  signal?: AbortSignal,
): Promise<NotionPage> {
  return ctx.hub
    ? ctx.hub.completedPages.complete(ctx.notion, page, signal)
    : completePage(ctx.notion, page, signal);
}

/**
 * The complete page of a work item: the listing's copy, else `GET /v1/pages/{id}` (counted in
 * `requests`), its truncated values completed once for the capture (completePageOnce); `page` is
 * undefined when Notion answers 404 (purged or no longer shared).
 */
export async function readCompletePage(
  ctx: Pick<StreamContext, 'notion' | 'hub'>,
  item: Pick<PageWorkItem, 'id' | 'page'>,
  signal?: AbortSignal,
): Promise<{ page: NotionPage | undefined; requests: number }> {
  const requests = item.page === undefined ? 1 : 0;
  try {
    const page = item.page ?? (await retrievePage(ctx.notion, item.id, signal));
    return { page: page === undefined ? undefined : await completePageOnce(ctx, page, signal), requests };
  } catch (error) {
    if (!isNotionApiError(error, 'object_not_found')) throw error;
    return { page: undefined, requests };
  }
}
