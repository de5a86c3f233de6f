import {
  awaitLateDiscoveries,
  createStatePatchBatch,
  deletionDocument,
  isInTrash,
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
  type DataSourceResponse,
  dataSourceDocument,
  dataSourceResponseSchema,
  dataSourcesDocumentSchema,
} from './data-source-document.js';

/**
 * State of the data_sources stream (about 50 bytes of JSON per data source):
 * - `sources`: data source id → its `last_edited_time` as epoch seconds, negated while the data
 *   source is in the trash, as last emitted;
 * - `sweptAt`: when the last complete sweep started (absent until one has completed).
 */
export const dataSourcesStateSchema = z.object({
  v: z.literal(1),
  sweptAt: z.iso.datetime().optional(),
  sources: z.record(z.string(), z.number().int()),
});
export type DataSourcesState = z.infer<typeof dataSourcesStateSchema>;

export interface DataSourcesStreamOptions {
  /** GETs in flight at once (the shared rate limiter paces them). Default 8. */
  concurrency?: number;
  /** Documents between two checkpoints. Default 100. */
  checkpointEvery?: number;
}

/** GETs in flight at once unless the options say otherwise. */
export const DEFAULT_DATA_SOURCES_CONCURRENCY = 8;
const DEFAULT_CHECKPOINT_EVERY = 100;

const RETRIEVE = 'retrieve data source';

/** The state value of a data source: last_edited_time in epoch seconds, negative in the trash. */
export function dataSourceStamp(source: DataSourceResponse): number {
  const seconds = Math.floor(Date.parse(source.last_edited_time) / 1000);
  return isInTrash(source) ? -seconds : seconds;
}

/**
 * `GET /v1/data_sources/{id}`: the data source, undefined on 404, or 'skipped' when it is
 * unreadable otherwise (403, 400, a body that does not parse): warned, retried next sweep.
 */
async function retrieve(
  ctx: StreamContext,
  id: string,
  signal: AbortSignal,
): Promise<DataSourceResponse | undefined | 'skipped'> {
  try {
    return await retrieveNotionObject(
      ctx.notion,
      RETRIEVE,
      (sdk) => sdk.dataSources.retrieve({ data_source_id: id }),
      dataSourceResponseSchema,
      signal,
    );
  } catch (error) {
    if (!isObjectScopedError(error)) throw error;
    warnSkipped(ctx.logger, 'a data source', id, undefined, error);
    return 'skipped';
  }
}

async function* readDataSources(
  ctx: StreamContext,
  state: DataSourcesState,
  options: DataSourcesStreamOptions,
): AsyncGenerator<StreamEvent<DataSourcesState>> {
  // Objects edited since the last sweep (minus the overlap: see SWEEP_OVERLAP_MS) are emitted again.
  const { backfill, startedAt, overlapFrom } = sweepWindow(state.sweptAt, ctx.clock.now());
  const known = state.sources;

  const batch = createStatePatchBatch<number>(options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY);
  let done = 0;
  let emitted = 0;
  let deleted = 0;

  const changed = (source: DataSourceResponse): boolean =>
    known[source.id] !== dataSourceStamp(source) || Date.parse(source.last_edited_time) >= overlapFrom;
  const takeCheckpoint = (): StreamEvent<DataSourcesState> => ({ checkpoint: { sources: batch.take() } });

  // 1. Every data source search lists (each once, even if an expired cursor restarts the listing;
  //    shared with the other streams through the CaptureHub).
  //    On 2025-09-03 search returns complete data source objects, so they cost no request of
  //    their own; a partial result is fetched in step 2.
  const listed = new Set<string>();
  const toFetch: string[] = [];
  const listing = listDataSources(ctx.notion, {
    hub: ctx.hub,
    signal: ctx.signal,
    clock: ctx.clock,
    needsObjects: true,
    notice: ctx.notice,
    concurrency: options.concurrency ?? DEFAULT_DATA_SOURCES_CONCURRENCY,
  });
  for await (const result of listing.results) {
    listed.add(result.id);
    const full = dataSourceResponseSchema.safeParse(result);
    if (!full.success) {
      toFetch.push(result.id);
      continue;
    }
    done += 1;
    if (changed(full.data)) {
      emitted += 1;
      yield { doc: dataSourceDocument(full.data) };
      batch.record(result.id, dataSourceStamp(full.data));
      if (batch.full) yield takeCheckpoint();
    }
    ctx.progress?.({ unit: 'data sources', done, backfill });
  }

  // 2. GET partial search results, and every data source captured before that search no longer
  //    lists (search omits trashed objects and is not exhaustive): 404 means it is gone. An
  //    unreadable one is skipped (its state entry stays: retried next sweep).
  //    With a hub, first the data sources the capture's page sweeps meet in trees (child_database
  //    blocks of databases search does not reach), so they are captured in this sweep too.
  if (ctx.hub) {
    const late = await awaitLateDiscoveries(ctx.hub, ctx.signal);
    for (const id of late.dataSources) {
      if (!listed.has(id) && !Object.hasOwn(known, id) && !toFetch.includes(id)) toFetch.push(id);
    }
  }
  const vanished = Object.keys(known).filter((id) => !listed.has(id));
  const fetches = [...toFetch, ...vanished];
  const total = listed.size + vanished.length;
  const results = mapConcurrent(
    fetches,
    options.concurrency ?? DEFAULT_DATA_SOURCES_CONCURRENCY,
    async (id, signal) => ({ id, source: await retrieve(ctx, id, signal) }),
    ctx.signal,
  );
  for await (const { id, source } of results) {
    done += 1;
    if (source === 'skipped') {
      // Nothing recorded: the next sweep tries it again.
    } else if (source === undefined) {
      if (Object.hasOwn(known, id)) {
        deleted += 1;
        yield { doc: deletionDocument(id) };
        batch.record(id, null);
      } else {
        ctx.logger.warn('a data source listed by search answers 404; skipping it', { id });
      }
    } else if (changed(source)) {
      emitted += 1;
      yield { doc: dataSourceDocument(source) };
      batch.record(source.id, dataSourceStamp(source));
    }
    if (batch.full) yield takeCheckpoint();
    ctx.progress?.({ unit: 'data sources', done, total, backfill });
  }

  ctx.logger.debug('data sources sweep done', {
    listed: listed.size,
    fetched: fetches.length,
    emitted,
    deleted,
  });
  ctx.progress?.({ unit: 'data sources', done, total, backfill });
  // The sweep saw the data sources as they were when the listing started (a shared listing may
  // have started before this sweep).
  const sweptAt = new Date(Math.min(startedAt, listing.startedAt)).toISOString();
  yield { checkpoint: { sources: batch.take(), sweptAt } };
}

/** A data_sources stream with non-default options (concurrency, checkpoint interval). */
export function createDataSourcesStream(options: DataSourcesStreamOptions = {}): Stream<DataSourcesState> {
  return {
    name: 'data_sources',
    capability: 'Read content',
    key: ['/id'],
    documentSchema: dataSourcesDocumentSchema,
    syncModes: ['incremental', 'full_refresh'],
    stateSchema: dataSourcesStateSchema,
    initialState: () => ({ v: 1, sources: {} }),
    read: (ctx, state) => readDataSources(ctx, state, options),
  };
}

/**
 * Every data source (schema record) the integration can see, `properties` as `[{name, value}]`.
 * Incremental by `last_edited_time`; one data source listing per sweep (shared with the other
 * streams through the CaptureHub: search's data sources, and the ones search omits found through
 * their databases, rows and page trees) plus a GET only for partial search results and for data
 * sources the listing stopped returning (trashed: emitted with `in_trash: true`; 404: emitted as
 * a deletion; any other non-transient error: skipped with a warning, retried next sweep). Always
 * captured complete: `start_date` does not apply.
 */
export const dataSourcesStream: Stream<DataSourcesState> = createDataSourcesStream();
