import { isObjectScopedError } from '../errors.js';
import type { NotionClient } from '../notion-client.js';
import { discoveredPage, propertyIdsOf, queryDataSource, returnsTitleOnly } from './data-source-query.js';
import { DatabaseResolver, retrieveDataSourceObject, warnSkipped } from './database-resolution.js';
import type { DiscoveredPage } from './discovery.js';

/** Rows handed to `onLateRows` at once (the objects are not held for a whole data source). */
const LATE_ROWS_BATCH = 100;

export interface LateDatabasesOptions {
  /** Data sources known already (updated with the new ones). */
  known: Set<string>;
  /** Called with each new data source id. */
  onDataSource: (id: string) => void;
  onLateRows?: ((rows: DiscoveredPage[]) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Databases met late (a `child_database` block): reads each (`GET /v1/databases/{id}`), and every
 * row of each data source not known yet goes to `onLateRows` (one call per data source). Never
 * throws: an unreadable database or data source is skipped with a warning (the next sweep's
 * listing tries it again), and any other failure is a warning too (the sweeps meet it themselves).
 */
export async function reportLateDatabases(
  notion: NotionClient,
  databaseIds: readonly string[],
  options: LateDatabasesOptions,
): Promise<void> {
  const { logger } = notion;
  const resolver = new DatabaseResolver(notion);
  for (const databaseId of databaseIds) {
    try {
      for (const id of await resolver.resolve(databaseId, options.signal)) {
        if (options.known.has(id)) continue;
        options.known.add(id);
        options.onDataSource(id);
        await lateRows(notion, id, options);
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      logger.warn('reading a database met in a page tree failed; the next sweep tries again', {
        databaseId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

async function lateRows(
  notion: NotionClient,
  dataSourceId: string,
  options: LateDatabasesOptions,
): Promise<void> {
  let filterProperties: string[] | undefined;
  if (returnsTitleOnly(notion)) {
    const source = await retrieveDataSourceObject(notion, dataSourceId, options.signal);
    if (source === undefined || source === null) return;
    filterProperties = propertyIdsOf(source);
  }
  const rows: DiscoveredPage[] = [];
  let handed = 0;
  try {
    for await (const { page, readAt } of queryDataSource(notion, dataSourceId, undefined, {
      logger: notion.logger,
      signal: options.signal,
      filterProperties,
    })) {
      rows.push(discoveredPage(page, 'data_source', readAt));
      if (rows.length >= LATE_ROWS_BATCH) {
        handed += rows.length;
        options.onLateRows?.(rows.splice(0));
      }
    }
  } catch (error) {
    if (!isObjectScopedError(error)) throw error;
    warnSkipped(notion.logger, 'a data source', dataSourceId, undefined, error);
    return;
  }
  notion.logger.info('data source found in a page tree: handing its rows to the page sweeps', {
    dataSourceId,
    rows: handed + rows.length,
  });
  if (rows.length > 0) options.onLateRows?.(rows);
}
