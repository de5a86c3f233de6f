import {
  deletionDocument,
  iterateSearchObjects,
  mapConcurrent,
  retrieveNotionObject,
  type Stream,
  type StreamContext,
  type StreamEvent,
} from '@source-notion/core';
import { z } from 'zod';
import {
  type DataSourceResponse,
  dataSourceDocument,
  dataSourceResponseSchema,
  dataSourcesDocumentSchema,
  isInTrash,
} from './data-source-schema.js';

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

/** GETs in flight at once (the shared rate limiter paces them). */
export const DATA_SOURCES_CONCURRENCY = 8;
/** Documents between two checkpoints. */
const CHECKPOINT_EVERY = 100;
/**
 * `last_edited_time` is rounded down to the minute: an edit made in the same minute as the read
 * that captured an object does not move it. Objects whose `last_edited_time` is at or after the
 * previous sweep's start minus this margin (one minute of rounding, one of clock skew) are emitted
 * again; the collection key dedupes.
 */
const OVERLAP_MS = 120_000;

const RETRIEVE = 'retrieve data source';

/** The state value of a data source: last_edited_time in epoch seconds, negative in the trash. */
export function dataSourceStamp(source: DataSourceResponse): number {
  const seconds = Math.floor(Date.parse(source.last_edited_time) / 1000);
  return isInTrash(source) ? -seconds : seconds;
}

function retrieve(
  ctx: StreamContext,
  id: string,
  signal: AbortSignal,
): Promise<DataSourceResponse | undefined> {
  return retrieveNotionObject(
    ctx.notion,
    RETRIEVE,
    (sdk) => sdk.dataSources.retrieve({ data_source_id: id }),
    dataSourceResponseSchema,
    signal,
  );
}

async function* readDataSources(
  ctx: StreamContext,
  state: DataSourcesState,
): AsyncGenerator<StreamEvent<DataSourcesState>> {
  const backfill = state.sweptAt === undefined;
  const sweepStartedAt = ctx.clock.now();
  const overlapFrom =
    state.sweptAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(state.sweptAt) - OVERLAP_MS;
  const known = state.sources;

  let pending: Record<string, number | null> = {};
  let pendingCount = 0;
  let done = 0;
  let emitted = 0;
  let deleted = 0;

  const changed = (source: DataSourceResponse): boolean =>
    known[source.id] !== dataSourceStamp(source) || Date.parse(source.last_edited_time) >= overlapFrom;
  const record = (id: string, value: number | null) => {
    pending[id] = value;
    pendingCount += 1;
  };
  const takeCheckpoint = (): StreamEvent<DataSourcesState> => {
    const checkpoint = { checkpoint: { sources: pending } };
    pending = {};
    pendingCount = 0;
    return checkpoint;
  };

  // 1. Every data source search lists (each once, even if an expired cursor restarts the listing).
  //    On 2025-09-03 search returns complete data source objects, so they cost no request of
  //    their own; a partial result is fetched in step 2.
  const listed = new Set<string>();
  const toFetch: string[] = [];
  for await (const result of iterateSearchObjects(ctx.notion, 'data_source', { signal: ctx.signal })) {
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
      record(result.id, dataSourceStamp(full.data));
      if (pendingCount >= CHECKPOINT_EVERY) yield takeCheckpoint();
    }
    ctx.progress?.({ unit: 'data sources', done, backfill });
  }

  // 2. GET partial search results, and every data source captured before that search no longer
  //    lists (search omits trashed objects and is not exhaustive): 404 means it is gone.
  const vanished = Object.keys(known).filter((id) => !listed.has(id));
  const fetches = [...toFetch, ...vanished];
  const total = listed.size + vanished.length;
  const results = mapConcurrent(
    fetches,
    DATA_SOURCES_CONCURRENCY,
    async (id, signal) => ({ id, source: await retrieve(ctx, id, signal) }),
    ctx.signal,
  );
  for await (const { id, source } of results) {
    done += 1;
    if (source === undefined) {
      if (Object.hasOwn(known, id)) {
        deleted += 1;
        yield { doc: deletionDocument(id) };
        record(id, null);
      } else {
        ctx.logger.warn('a data source listed by search answers 404; skipping it', { id });
      }
    } else if (changed(source)) {
      emitted += 1;
      yield { doc: dataSourceDocument(source) };
      record(source.id, dataSourceStamp(source));
    }
    if (pendingCount >= CHECKPOINT_EVERY) yield takeCheckpoint();
    ctx.progress?.({ unit: 'data sources', done, total, backfill });
  }

  ctx.logger.debug('data sources sweep done', {
    listed: listed.size,
    fetched: fetches.length,
    emitted,
    deleted,
  });
  ctx.progress?.({ unit: 'data sources', done, total, backfill });
  yield { checkpoint: { sources: pending, sweptAt: new Date(sweepStartedAt).toISOString() } };
}

/**
 * Every data source (schema record) the integration can see, `properties` as `[{name, value}]`.
 * Incremental by `last_edited_time`; one search per sweep plus a GET only for partial search
 * results and for data sources search stopped listing (trashed: emitted with `in_trash: true`;
 * 404: emitted as a deletion). Always captured complete: `start_date` does not apply.
 */
export const dataSourcesStream: Stream<DataSourcesState> = {
  name: 'data_sources',
  key: ['/id'],
  documentSchema: dataSourcesDocumentSchema,
  syncModes: ['incremental', 'full_refresh'],
  stateSchema: dataSourcesStateSchema,
  initialState: () => ({ v: 1, sources: {} }),
  read: readDataSources,
};
