import type { Clock } from '../clock.js';
import { CursorRejectedError, IncompleteListError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NotionClient } from '../notion-client.js';
import { listNotion } from '../notion-list.js';
import { notionObjectSchema } from '../notion-objects.js';
import { isInTrash } from '../stream-documents.js';
import { parentDataSourceIdOf } from './database-resolution.js';
import type { DiscoveredPage } from './discovery.js';
import { type NotionPage, parentPageIdOf, parseNotionPage } from './page-objects.js';

export interface DataSourceQueryStats {
  queryPages: number;
  /** Re-queries after a data source query hit the 10,000-row cap. */
  narrowedQueries: number;
}

/** A listed page as discovery hands it out. */
export function discoveredPage(
  page: NotionPage,
  source: DiscoveredPage['source'],
  readAt: number,
  withObject = true,
  dataSourceId: string | undefined = parentDataSourceIdOf(page),
): DiscoveredPage {
  return {
    id: page.id,
    lastEditedTime: page.last_edited_time,
    trashed: isInTrash(page),
    parentPageId: parentPageIdOf(page),
    dataSourceId,
    page: withObject ? page : undefined,
    source,
    readAt,
  };
}

/** Rejections in a row of a resumed query that yielded nothing new before failing the data source. */
const MAX_STALLED_RESUMES = 3;

export interface QueryDataSourceOptions {
  logger: Logger;
  signal?: AbortSignal | undefined;
  pageSize?: number;
  clock?: Clock | undefined;
  /**
   * Property ids sent as `filter_properties` (Notion-Version 2026-12-01 returns only the title
   * property without it): every property of the data source, so that rows stay complete.
   */
  filterProperties?: readonly string[] | undefined;
}

/** True when the client's Notion-Version returns only the title property unless asked (2026-12-01 on). */
export function returnsTitleOnly(notion: NotionClient): boolean {
  return (notion.notionVersion ?? '') >= '2026-12-01';
}

/** The property ids of a data source object (its schema), for `filter_properties`. */
export function propertyIdsOf(dataSource: unknown): string[] {
  const properties = (dataSource as { properties?: unknown } | null)?.properties;
  if (typeof properties !== 'object' || properties === null) return [];
  const ids: string[] = [];
  for (const value of Object.values(properties)) {
    const id = (value as { id?: unknown } | null)?.id;
    if (typeof id === 'string') ids.push(id);
  }
  return ids;
}

/**
 * The rows of one data source edited at or after `since` (all rows without it), ascending by
 * `last_edited_time`, each once, with when the request that returned it was sent (`readAt`).
 * Handles the 10,000-row cap by re-querying `on_or_after` the last time seen; a window that
 * cannot move forward (more than 10,000 rows edited within one minute) is split by
 * `created_time` within that minute. A rejected cursor (expired) resumes the same way, from the
 * last time seen (within a minute its cursors cannot get through: by `created_time`), never from
 * the start; a resumed query rejected again before yielding anything new, several times in a row,
 * is an IncompleteListError scoped to this data source.
 */
export async function* queryDataSource(
  notion: NotionClient,
  dataSourceId: string,
  since: string | undefined,
  options: QueryDataSourceOptions,
  stats?: DataSourceQueryStats,
): AsyncGenerator<{ page: NotionPage; readAt: number }, void, undefined> {
  const clock = options.clock ?? notion.clock;
  const query =
    options.filterProperties === undefined ? undefined : { filter_properties: options.filterProperties };
  let from = since;
  // Within one minute that holds more than the cap: a created_time window inside it.
  let createdFrom: string | undefined;
  // Ids yielded with the latest last_edited_time seen (`atBoundTime`; every row of the crowded minute
  // while splitting it): a query that starts again at that time returns them again.
  let atBound = new Set<string>();
  let atBoundTime: string | undefined;
  let stalled = 0;
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
    let rejected: CursorRejectedError | undefined;
    let requestedAt = clock.now();
    const boundOf = (page: NotionPage) =>
      createdFrom === undefined ? page.last_edited_time : page.created_time;
    try {
      for await (const list of listNotion(
        notion,
        'query data source',
        {
          path: `data_sources/${dataSourceId}/query`,
          method: 'post',
          ...(query ? { query } : {}),
          body: { ...(filter ? { filter } : {}), sorts },
        },
        notionObjectSchema,
        { signal: options.signal, pageSize: options.pageSize ?? 100, maxRestarts: 0 },
      )) {
        if (stats) stats.queryPages++;
        const readAt = requestedAt;
        for (const result of list.results) {
          if (result.object !== 'page') continue;
          const page = parseNotionPage(result, 'query data source', list.requestId);
          if (createdFrom === undefined && page.last_edited_time !== atBoundTime) {
            atBound = new Set();
            atBoundTime = page.last_edited_time;
          }
          last = page;
          if (atBound.has(page.id)) continue;
          atBound.add(page.id);
          stalled = 0;
          yield { page, readAt };
        }
        incomplete ||= list.incomplete;
        requestedAt = clock.now();
      }
    } catch (error) {
      if (!(error instanceof CursorRejectedError)) throw error;
      rejected = error;
    }
    if (rejected !== undefined) {
      stalled++;
      if (stalled > MAX_STALLED_RESUMES) {
        throw new IncompleteListError(
          `data source ${dataSourceId}: Notion rejected the query's cursor ${stalled} times in a row without new rows`,
          { cause: rejected },
        );
      }
      options.logger.info('Notion rejected a data source query cursor; resuming from the last time seen', {
        dataSourceId,
        from: last === undefined ? (createdFrom ?? from) : boundOf(last),
        requestId: rejected.requestId,
      });
      if (last !== undefined) {
        if (createdFrom !== undefined) createdFrom = last.created_time ?? createdFrom;
        else if (from !== undefined && last.last_edited_time === from) {
          // The cursor dies within one minute's rows: split that minute by created_time.
          createdFrom = last.created_time ?? from;
        } else from = last.last_edited_time;
      }
      continue;
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
      from: boundOf(last),
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
