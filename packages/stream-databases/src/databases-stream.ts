import { createHash } from 'node:crypto';
import {
  awaitLateDiscoveries,
  createStatePatchBatch,
  deletionDocument,
  isObjectScopedError,
  listDataSources,
  mapConcurrent,
  retrieveNotionObject,
  type Stream,
  type StreamContext,
  type StreamEvent,
  sweepWindow,
  warnSkipped,
} from '@source-notion/core';
import { z } from 'zod';
import {
  type DatabaseResponse,
  type DataSourceRef,
  databaseDocument,
  databaseResponseSchema,
  databasesDocumentSchema,
  dataSourceRefSchema,
} from './database-document.js';

/**
 * State of the databases stream (about 55 bytes of JSON per database):
 * - `databases`: database id → fingerprint of its visible data sources (ids and
 *   `last_edited_time`s) when it was last fetched; `''` when none was visible (trashed, or its
 *   data sources left search): such databases are re-checked every sweep until they answer 404;
 * - `sweptAt`: when the last complete sweep started (absent until one has completed).
 */
export const databasesStateSchema = z.object({
  v: z.literal(1),
  sweptAt: z.iso.datetime().optional(),
  databases: z.record(z.string(), z.string()),
});
export type DatabasesState = z.infer<typeof databasesStateSchema>;

export interface DatabasesStreamOptions {
  /** GETs in flight at once (the shared rate limiter paces them). Default 8. */
  concurrency?: number;
  /** Documents between two checkpoints. Default 50. */
  checkpointEvery?: number;
}

/** GETs in flight at once unless the options say otherwise. */
export const DEFAULT_DATABASES_CONCURRENCY = 8;
const DEFAULT_CHECKPOINT_EVERY = 50;

const RETRIEVE_DATA_SOURCE = 'retrieve data source';
const RETRIEVE = 'retrieve database';

/** 11 characters identifying a set of (data source id, last_edited_time) pairs; '' for none. */
export function dataSourcesFingerprint(sources: readonly { id: string; lastEdited: number }[]): string {
  if (sources.length === 0) return '';
  const lines = sources.map((source) => `${source.id}@${source.lastEdited}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest().subarray(0, 8).toString('base64url');
}

/** A GET that skips (undefined after a warning, 'skipped') an object answering a non-transient error other than 404. */
async function skipUnreadable<T>(
  ctx: StreamContext,
  what: string,
  id: string,
  get: () => Promise<T | undefined>,
): Promise<T | undefined | 'skipped'> {
  try {
    return await get();
  } catch (error) {
    if (!isObjectScopedError(error)) throw error;
    warnSkipped(ctx.logger, what, id, undefined, error);
    return 'skipped';
  }
}

function retrieveDataSource(
  ctx: StreamContext,
  id: string,
  signal: AbortSignal,
): Promise<DataSourceRef | undefined | 'skipped'> {
  return skipUnreadable(ctx, 'a data source', id, () =>
    retrieveNotionObject(
      ctx.notion,
      RETRIEVE_DATA_SOURCE,
      (sdk) => sdk.dataSources.retrieve({ data_source_id: id }),
      dataSourceRefSchema,
      signal,
    ),
  );
}

/** What the data source listing already read of the databases (see DataSourceListing). */
interface ListedDatabases {
  databases: ReadonlyMap<string, unknown>;
  failedDatabases: ReadonlyMap<string, 'gone' | 'unreadable'>;
}

/**
 * The database: as the data source listing already read it (or failed to: 404, or skipped after a
 * warning), else `GET /v1/databases/{id}`.
 */
function retrieveDatabase(
  ctx: StreamContext,
  id: string,
  listed: ListedDatabases,
  signal: AbortSignal,
): Promise<DatabaseResponse | undefined | 'skipped'> {
  const failed = listed.failedDatabases.get(id);
  if (failed !== undefined) return Promise.resolve(failed === 'gone' ? undefined : 'skipped');
  const known = databaseResponseSchema.safeParse(listed.databases.get(id));
  if (known.success) return Promise.resolve(known.data);
  return skipUnreadable(ctx, 'a database', id, () =>
    retrieveNotionObject(
      ctx.notion,
      RETRIEVE,
      (sdk) => sdk.databases.retrieve({ database_id: id }),
      databaseResponseSchema,
      signal,
    ),
  );
}

/**
 * Every visible data source, grouped by the database holding it, and when the listing started
 * (shared with the other streams through the CaptureHub: it may have started before this sweep).
 */
async function visibleDataSources(
  ctx: StreamContext,
  concurrency: number,
): Promise<{
  byDatabase: Map<string, { id: string; lastEdited: number }[]>;
  listedAt: number;
  listed: ListedDatabases;
}> {
  const byDatabase = new Map<string, { id: string; lastEdited: number }[]>();
  const add = (source: DataSourceRef) => {
    const list = byDatabase.get(source.parent.database_id) ?? [];
    list.push({ id: source.id, lastEdited: Date.parse(source.last_edited_time) });
    byDatabase.set(source.parent.database_id, list);
  };
  const partial: string[] = [];
  const listing = listDataSources(ctx.notion, {
    hub: ctx.hub,
    signal: ctx.signal,
    clock: ctx.clock,
    notice: ctx.notice,
    concurrency,
  });
  for await (const result of listing.results) {
    const ref = dataSourceRefSchema.safeParse(result);
    if (ref.success) add(ref.data);
    else partial.push(result.id);
  }
  // Search results without a parent or last_edited_time (partial objects) cost a GET each.
  const fetched = mapConcurrent(
    partial,
    concurrency,
    (id, signal) => retrieveDataSource(ctx, id, signal),
    ctx.signal,
  );
  for await (const source of fetched) {
    if (source !== undefined && source !== 'skipped') add(source);
  }
  return { byDatabase, listedAt: listing.startedAt, listed: listing };
}

async function* readDatabases(
  ctx: StreamContext,
  state: DatabasesState,
  options: DatabasesStreamOptions,
): AsyncGenerator<StreamEvent<DatabasesState>> {
  const concurrency = options.concurrency ?? DEFAULT_DATABASES_CONCURRENCY;
  // Data sources edited since the last sweep (minus the overlap: see SWEEP_OVERLAP_MS) count as changed.
  const { backfill, startedAt, overlapFrom } = sweepWindow(state.sweptAt, ctx.clock.now());
  const known = state.databases;

  // 1. Which databases hold a visible data source, and which of those changed.
  const { byDatabase: visible, listedAt, listed } = await visibleDataSources(ctx, concurrency);
  const work: { id: string; fingerprint: string }[] = [];
  for (const [id, sources] of visible) {
    const fingerprint = dataSourcesFingerprint(sources);
    const recent = sources.some((source) => source.lastEdited >= overlapFrom);
    if (known[id] !== fingerprint || recent) work.push({ id, fingerprint });
  }
  // Databases captured before with no visible data source: trashed or gone; GET tells which.
  for (const id of Object.keys(known)) {
    if (!visible.has(id)) work.push({ id, fingerprint: '' });
  }
  // With a hub, the databases the capture's page sweeps meet in trees (child_database blocks) that
  // no listed data source led to: captured in this sweep too (their data sources are listed from
  // the next sweep on, which gives them a fingerprint).
  if (ctx.hub) {
    const late = await awaitLateDiscoveries(ctx.hub, ctx.signal);
    for (const id of late.databases) {
      if (!visible.has(id) && !Object.hasOwn(known, id)) work.push({ id, fingerprint: '' });
    }
  }

  // 2. GET those databases.
  const batch = createStatePatchBatch<string>(options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY);
  let done = 0;
  let emitted = 0;
  let deleted = 0;
  const results = mapConcurrent(
    work,
    concurrency,
    async (item, signal) => ({ ...item, database: await retrieveDatabase(ctx, item.id, listed, signal) }),
    ctx.signal,
  );
  for await (const { id, fingerprint, database } of results) {
    done += 1;
    if (database === 'skipped') {
      // Nothing recorded: the next sweep tries it again.
    } else if (database === undefined) {
      if (Object.hasOwn(known, id)) {
        deleted += 1;
        yield { doc: deletionDocument(id) };
        batch.record(id, null);
      } else {
        ctx.logger.warn('a database holding a visible data source answers 404; skipping it', { id });
      }
    } else if (fingerprint !== '' || known[id] !== '') {
      // Changed, new, or just lost its last visible data source (typically: moved to the trash).
      emitted += 1;
      yield { doc: databaseDocument(database) };
      batch.record(id, fingerprint);
    }
    if (batch.full) yield { checkpoint: { databases: batch.take() } };
    ctx.progress?.({ unit: 'databases', done, total: work.length, backfill });
  }

  ctx.logger.debug('databases sweep done', {
    databases: visible.size,
    fetched: work.length,
    emitted,
    deleted,
  });
  ctx.progress?.({ unit: 'databases', done, total: work.length, backfill });
  // The sweep saw the data sources as they were when the listing started.
  const sweptAt = new Date(Math.min(startedAt, listedAt)).toISOString();
  yield { checkpoint: { databases: batch.take(), sweptAt } };
}

/** A databases stream with non-default options (concurrency, checkpoint interval). */
export function createDatabasesStream(options: DatabasesStreamOptions = {}): Stream<DatabasesState> {
  return {
    name: 'databases',
    capability: 'Read content',
    key: ['/id'],
    documentSchema: databasesDocumentSchema,
    syncModes: ['incremental', 'full_refresh'],
    stateSchema: databasesStateSchema,
    initialState: () => ({ v: 1, databases: {} }),
    read: (ctx, state) => readDatabases(ctx, state, options),
  };
}

/**
 * The database containers (`GET /v1/databases/{id}`) of every data source the integration can
 * see. One data source listing per sweep (shared with the other streams through the
 * CaptureHub); a database is fetched again only when the set or the `last_edited_time` of its
 * visible data sources moved (every database on the first sweep). A
 * database in the trash is emitted with `in_trash: true`; one that answers 404 as a deletion.
 * Always captured complete: `start_date` does not apply.
 */
export const databasesStream: Stream<DatabasesState> = createDatabasesStream();
