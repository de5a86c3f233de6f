import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isObjectScopedError, requestIdOfError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NotionClient } from '../notion-client.js';
import { compactId, expandId } from '../notion-ids.js';
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

/**
 * Databases resolved earlier (in this capture, or by an earlier one through a page sweep's state):
 * the key they were resolved under, their data sources, and when (clock ms).
 */
export type ResolvedDatabases = Map<string, ResolvedDatabase>;
export interface ResolvedDatabase {
  key: string;
  dataSourceIds: string[];
  at: number;
}

/**
 * How long a database's resolution is trusted while the data sources search lists of it do not
 * change: a sibling search omits is found within a day (one GET per database per day).
 */
export const RESOLVED_DATABASE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * Resolved databases as a page sweep's state keeps them: space-separated
 * `<database>=<key>@<epoch seconds>:<data source>,<data source>` (compactIds), sorted; entries
 * older than RESOLVED_DATABASE_MAX_AGE_MS at `now` are left out.
 */
export function packResolvedDatabases(resolved: ResolvedDatabases, now: number): string {
  const entries: string[] = [];
  for (const [id, entry] of resolved) {
    if (now - entry.at >= RESOLVED_DATABASE_MAX_AGE_MS) continue;
    const sources = entry.dataSourceIds.map(compactId).join(',');
    entries.push(`${compactId(id)}=${entry.key}@${Math.floor(entry.at / 1000)}:${sources}`);
  }
  return entries.sort().join(' ');
}

/** The inverse of packResolvedDatabases (dashed ids); entries that do not parse are dropped. */
export function unpackResolvedDatabases(packed: string | undefined): ResolvedDatabases {
  const resolved: ResolvedDatabases = new Map();
  for (const entry of (packed ?? '').split(' ')) {
    const match = /^([^=\s]+)=([^@\s]*)@(\d+):(\S*)$/.exec(entry);
    if (match === null) continue;
    const [, database = '', key = '', at = '0', sources = ''] = match;
    resolved.set(expandId(database), {
      key,
      at: Number(at) * 1000,
      dataSourceIds: sources
        .split(',')
        .filter((id) => id !== '')
        .map(expandId),
    });
  }
  return resolved;
}

/** The key of a database: 11 characters naming what search listed of it ('' for nothing). */
export function resolutionKey(listed: readonly string[]): string {
  if (listed.length === 0) return '';
  return createHash('sha256')
    .update([...listed].sort().join('\n'))
    .digest()
    .subarray(0, 8)
    .toString('base64url');
}

/**
 * Database resolution for one listing: each database is fetched at most once
 * (`GET /v1/databases/{id}`) and its data sources learned, siblings search did not list included.
 * With a `cache` (capture-wide, seeded from the page sweeps' state), a database resolved under the
 * same key (the ids and `last_edited_time`s of its data sources search listed) less than
 * RESOLVED_DATABASE_MAX_AGE_MS ago is not fetched again. An unreadable
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
      const fresh =
        cached !== undefined &&
        cached.key === key &&
        this.#notion.clock.now() - cached.at < RESOLVED_DATABASE_MAX_AGE_MS;
      resolved = fresh ? Promise.resolve(cached.dataSourceIds) : this.#fetch(id, signal, key);
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
      this.#cache?.set(id, { key, dataSourceIds, at: this.#notion.clock.now() });
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
