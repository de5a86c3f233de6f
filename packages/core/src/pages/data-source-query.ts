import type { Clock } from '../clock.js';
import { IncompleteListError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NotionClient } from '../notion-client.js';
import { listNotion } from '../notion-list.js';
import { notionObjectSchema } from '../notion-objects.js';
import { type NotionPage, parseNotionPage } from './page-objects.js';

export interface DataSourceQueryStats {
  queryPages: number;
  /** Re-queries after a data source query hit the 10,000-row cap. */
  narrowedQueries: number;
}

/**
 * The rows of one data source edited at or after `since` (all rows without it), ascending by
 * `last_edited_time`, each with when the request that returned it was sent (`readAt`). Handles the 10,000-row cap by re-querying `on_or_after` the last time seen;
 * a window that cannot move forward (more than 10,000 rows edited within one minute) is split by
 * `created_time` within that minute.
 */
export async function* queryDataSource(
  notion: NotionClient,
  dataSourceId: string,
  since: string | undefined,
  options: { logger: Logger; signal?: AbortSignal | undefined; pageSize?: number; clock?: Clock | undefined },
  stats?: DataSourceQueryStats,
): AsyncGenerator<{ page: NotionPage; readAt: number }, void, undefined> {
  const clock = options.clock ?? notion.clock;
  let from = since;
  // Within one minute that holds more than the cap: a created_time window inside it.
  let createdFrom: string | undefined;
  for (;;) {
    const edited =
      from === undefined
        ? undefined
        : { timestamp: 'last_edited_time', last_edited_time: { on_or_after: from } };
    let filter: Record<string, unknown> | undefined = edited;
    let sorts: Array<Record<string, string>> = [{ timestamp: 'last_edited_time', direction: 'ascending' }];
    if (createdFrom !== undefined && from !== undefined) {
      filter = {
        and: [
          edited,
          { timestamp: 'last_edited_time', last_edited_time: { on_or_before: from } },
          { timestamp: 'created_time', created_time: { on_or_after: createdFrom } },
        ],
      };
      sorts = [{ timestamp: 'created_time', direction: 'ascending' }];
    }
    let last: NotionPage | undefined;
    let incomplete = false;
    let requestedAt = clock.now();
    for await (const list of listNotion(
      notion,
      'query data source',
      {
        path: `data_sources/${dataSourceId}/query`,
        method: 'post',
        body: { ...(filter ? { filter } : {}), sorts },
      },
      notionObjectSchema,
      { signal: options.signal, pageSize: options.pageSize ?? 100 },
    )) {
      if (stats) stats.queryPages++;
      const readAt = requestedAt;
      for (const result of list.results) {
        if (result.object !== 'page') continue;
        const page = parseNotionPage(result, 'query data source', list.requestId);
        last = page;
        yield { page, readAt };
      }
      incomplete ||= list.incomplete;
      requestedAt = clock.now();
    }
    if (!incomplete) {
      if (createdFrom === undefined) return;
      // The crowded minute is done: continue after it.
      from = new Date(Date.parse(from!) + 60_000).toISOString();
      createdFrom = undefined;
      if (stats) stats.narrowedQueries++;
      continue;
    }
    if (last === undefined) return;
    if (stats) stats.narrowedQueries++;
    options.logger.info('data source query reached the 10,000-row limit; continuing with a narrower window', {
      dataSourceId,
      from: createdFrom === undefined ? last.last_edited_time : last.created_time,
    });
    if (createdFrom === undefined) {
      if (from !== undefined && last.last_edited_time === from) {
        // The whole window is one minute: split it by created_time.
        createdFrom = last.created_time ?? from;
      } else {
        from = last.last_edited_time;
      }
    } else {
      const next = last.created_time;
      if (next === undefined || next === createdFrom) {
        throw new IncompleteListError(
          `data source ${dataSourceId}: more than 10,000 rows were created and edited within the same minute (${from}); the query cannot be split further`,
        );
      }
      createdFrom = next;
    }
  }
}
