import { z } from 'zod';
import { isObjectScopedError, requestIdOfError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NotionClient } from '../notion-client.js';
import { type NotionObject, notionObjectSchema, retrieveNotionObject } from '../notion-objects.js';

/** What resolving a database reads: its `data_sources` list (2025-09-03 and later). */
const databaseSchema = z.looseObject({
  object: z.literal('database'),
  id: z.string(),
  data_sources: z.array(z.looseObject({ id: z.string(), name: z.string().optional() })).optional(),
});

/** The title of a Notion object (a data source's or a database's), when it has one. */
export function titleOf(object: unknown): string | undefined {
  const title = (object as { title?: unknown } | null)?.title;
  if (!Array.isArray(title)) return undefined;
  const text = title.map((part) => (part as { plain_text?: unknown })?.plain_text ?? '').join('');
  return text === '' ? undefined : text;
}

/** The database id of a data source or row: `parent.database_id` when there is one. */
export function parentDatabaseIdOf(object: unknown): string | undefined {
  const parent = (object as { parent?: { database_id?: unknown } } | null)?.parent;
  return typeof parent?.database_id === 'string' ? parent.database_id : undefined;
}

/** The data source id of a row: `parent.data_source_id` when there is one. */
export function parentDataSourceIdOf(object: unknown): string | undefined {
  const parent = (object as { parent?: { type?: unknown; data_source_id?: unknown } } | null)?.parent;
  return parent?.type === 'data_source_id' && typeof parent.data_source_id === 'string'
    ? parent.data_source_id
    : undefined;
}

/**
 * The one warning for an object skipped this sweep (it is retried the next): names it (id, and
 * title when known) and the request id of the failed call.
 */
export function warnSkipped(
  logger: Logger,
  what: string,
  id: string,
  title: string | undefined,
  error: unknown,
): void {
  logger.warn(`${what} is unreadable; skipping it for this sweep (retried next sweep)`, {
    id,
    ...(title === undefined ? {} : { title }),
    requestId: requestIdOfError(error),
    error: error instanceof Error ? error.message : String(error),
  });
}

/** Databases resolved earlier in the capture: the key they were resolved under, and their data sources. */
export type ResolvedDatabases = Map<string, { key: string; dataSourceIds: string[] }>;

/**
 * Database resolution for one listing: each database is fetched at most once
 * (`GET /v1/databases/{id}`) and its data sources learned, siblings search did not list included.
 * With a capture-wide `cache`, a database resolved earlier under the same key (the ids and
 * `last_edited_time`s of its data sources search listed) is not fetched again. An unreadable
 * database (400, 403, 404, a body that does not parse) is skipped with a warning; other failures
 * are thrown.
 */
export class DatabaseResolver {
  /** Databases read, whole (the databases stream reuses them); unreadable ones are absent. */
  readonly databases = new Map<string, NotionObject>();
  /** Databases this listing could not read: 'gone' (404) or 'unreadable' (skipped after a warning). */
  readonly failed = new Map<string, 'gone' | 'unreadable'>();
  readonly #tried = new Map<string, Promise<string[]>>();
  readonly #notion: NotionClient;
  readonly #cache: ResolvedDatabases | undefined;

  constructor(notion: NotionClient, cache?: ResolvedDatabases) {
    this.#notion = notion;
    this.#cache = cache;
  }

  /** True when `id` was resolved (or tried) already. */
  has(id: string): boolean {
    return this.#tried.has(id);
  }

  /** The data source ids of database `id` ([] when it is unreadable); fetched once. */
  resolve(id: string, signal?: AbortSignal, key = ''): Promise<string[]> {
    let resolved = this.#tried.get(id);
    if (resolved === undefined) {
      const cached = this.#cache?.get(id);
      resolved =
        cached !== undefined && cached.key === key
          ? Promise.resolve(cached.dataSourceIds)
          : this.#fetch(id, signal, key);
      this.#tried.set(id, resolved);
    }
    return resolved;
  }

  async #fetch(id: string, signal: AbortSignal | undefined, key: string): Promise<string[]> {
    try {
      const database = await retrieveNotionObject(
        this.#notion,
        'retrieve database',
        (sdk) => sdk.databases.retrieve({ database_id: id }),
        databaseSchema,
        signal,
      );
      if (database === undefined) {
        this.#notion.logger.info('a database answers 404 (unshared or deleted); no data sources from it', {
          id,
        });
        this.failed.set(id, 'gone');
        return [];
      }
      this.databases.set(id, database);
      const dataSourceIds = (database.data_sources ?? []).map((source) => source.id);
      this.#cache?.set(id, { key, dataSourceIds });
      return dataSourceIds;
    } catch (error) {
      if (!isObjectScopedError(error)) throw error;
      warnSkipped(this.#notion.logger, 'a database', id, undefined, error);
      this.failed.set(id, 'unreadable');
      return [];
    }
  }
}

/**
 * `GET /v1/data_sources/{id}`, whole; undefined when it answers 404 (gone, or
 * unshared) and null (after a warning) when it is unreadable otherwise (an object-scoped error: retry next sweep).
 */
export async function retrieveDataSourceObject(
  notion: NotionClient,
  id: string,
  signal?: AbortSignal,
): Promise<NotionObject | undefined | null> {
  try {
    const source = await retrieveNotionObject(
      notion,
      'retrieve data source',
      (sdk) => sdk.dataSources.retrieve({ data_source_id: id }),
      notionObjectSchema,
      signal,
    );
    if (source === undefined)
      notion.logger.info('a data source answers 404 (deleted or unshared); skipping it', { id });
    return source;
  } catch (error) {
    if (!isObjectScopedError(error)) throw error;
    warnSkipped(notion.logger, 'a data source', id, undefined, error);
    return null;
  }
}
