import { createCaptureHub, isDeletionDocument, listDataSources } from '@source-notion/core';
import {
  createOffsetClock,
  createStreamTestContext,
  createTestResources,
  type OffsetClock,
  runStreamSweep,
  sweepWithCrashes,
  TestCollection,
} from '@source-notion/core/testing';
import { type Emulator, type EmulatorOptions, startTestEmulator } from '@source-notion/notion-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createDatabasesStream,
  type DatabasesState,
  DEFAULT_DATABASES_CONCURRENCY,
  databasesStream,
} from './databases-stream.js';

// The published JSON schema compiled back into a validator with zod's fromJSONSchema: this checks
// what discover publishes, not the zod schema it was generated from.
const validateDocument = z.fromJSONSchema(databasesStream.documentSchema);

function expectValid(docs: readonly Record<string, unknown>[]) {
  for (const doc of docs)
    expect(validateDocument.safeParse(doc).success, JSON.stringify(doc).slice(0, 300)).toBe(true);
}

/** Databases are emitted as the API returns them: no transform. */
function expected(emulator: Emulator): Map<string, Record<string, unknown>> {
  return new Map(emulator.groundTruth().databases.map((db) => [db.id, { ...db }]));
}

const initial = () => databasesStream.initialState({} as never);
const ids = (docs: readonly Record<string, unknown>[]) => docs.map((doc) => doc.id as string).sort();
const fetched = (emulator: Emulator) =>
  emulator
    .requests()
    .filter((r) => r.route === 'databases.get')
    .map((r) => r.path.split('/').at(-1)!)
    .sort();

/**
 * A data source that search omits (the emulator's default, like Notion) and that no sibling in its
 * database reveals is reachable only through a child_database block: the blocks stream meets it,
 * and the capture's hub hands it to this stream. Run on their own, these streams see what search
 * and databases reach, so these tests keep search from omitting data sources.
 */
const SEARCH_LISTS_DATA_SOURCES = { searchOmitDataSourceRate: 0 };

/** Emulated start of every test: on a minute boundary, so a test's edits all fall in one minute. */
const TEST_START = Date.UTC(2025, 5, 2, 12, 0, 0);

const opened = createTestResources();
afterEach(() => opened.closeAll());

/** The emulator, and a context whose clock is the emulator's (a test moves it on with `clock.offsetMs`). */
async function setup(options: EmulatorOptions) {
  const emulator = opened.add(
    await startTestEmulator({ startTime: TEST_START, limits: SEARCH_LISTS_DATA_SOURCES, ...options }),
  );
  const clock: OffsetClock = createOffsetClock(() => emulator.now());
  const ctx = opened.add(createStreamTestContext({ baseUrl: emulator.url, token: emulator.token, clock }));
  return { emulator, ctx, clock };
}

describe('databasesStream against the emulator', () => {
  it('backfills the container of every visible data source, 8 GETs at a time', async () => {
    const { emulator, ctx } = await setup({
      workspace: { seed: 4, size: 'tiny', dataSources: 120, pages: 130, now: TEST_START - 3_600_000 },
    });
    const outcome = await runStreamSweep(databasesStream, ctx, initial());
    expect(outcome.completed).toBe(true);
    const truth = expected(emulator);
    expect(truth.size).toBeGreaterThan(50);
    expect(outcome.committedDocs).toHaveLength(truth.size);
    expect(new Map(outcome.committedDocs.map((doc) => [doc.id as string, doc]))).toEqual(truth);
    expect(outcome.committedDocs).toEqual(outcome.docs);
    expect(outcome.checkpoints.length).toBe(Math.floor(truth.size / 50) + 1);
    expect(Object.keys(outcome.state.databases).sort()).toEqual([...truth.keys()].sort());
    // Two search pages and one GET per database, nothing else.
    expect(emulator.counters().byRoute).toEqual({ search: 2, 'databases.get': truth.size });
    const { maxInFlight } = ctx.notion.limiter.stats();
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(DEFAULT_DATABASES_CONCURRENCY);
    expect(ctx.progressReports.at(-1)).toMatchObject({
      unit: 'databases',
      done: truth.size,
      total: truth.size,
      backfill: true,
    });
    expectValid(outcome.committedDocs);
  });

  it('runs with the concurrency and checkpoint interval it was created with', async () => {
    const { emulator, ctx } = await setup({
      workspace: { seed: 4, size: 'tiny', dataSources: 40, pages: 50, now: TEST_START - 3_600_000 },
    });
    const stream = createDatabasesStream({ concurrency: 2, checkpointEvery: 10 });
    const outcome = await runStreamSweep(stream, ctx, stream.initialState({} as never));
    const truth = expected(emulator);
    expect(new Map(outcome.committedDocs.map((doc) => [doc.id as string, doc]))).toEqual(truth);
    expect(outcome.checkpoints.length).toBe(Math.floor(truth.size / 10) + 1);
    expect(ctx.notion.limiter.stats().maxInFlight).toBeLessThanOrEqual(2);
  });

  it('reads the data sources from a listing another stream shares through the CaptureHub', async () => {
    const { emulator, ctx, clock } = await setup({
      workspace: { seed: 6, size: 'tiny', dataSources: 10, pages: 80, now: TEST_START - 3_600_000 },
    });
    const hub = createCaptureHub({ clock });
    // The data_sources stream lists first (whole objects); this stream replays that listing.
    const other = listDataSources(ctx.notion, { hub, clock, needsObjects: true });
    for await (const _ of other.results);
    clock.offsetMs = 20_000;
    const shared = await runStreamSweep(databasesStream, { ...ctx, hub }, initial());
    expect(new Map(shared.committedDocs.map((doc) => [doc.id as string, doc]))).toEqual(expected(emulator));
    const truth = expected(emulator);
    expect(emulator.counters().byRoute).toEqual({ search: 1, 'databases.get': truth.size });
    expect(shared.state.sweptAt).toBe(new Date(other.startedAt).toISOString());
  });

  it('re-fetches only databases whose data sources changed, and emits deletions', async () => {
    const { emulator, ctx, clock } = await setup({
      workspace: { seed: 6, size: 'tiny', dataSources: 10, pages: 80, now: TEST_START - 3_600_000 },
    });
    const ws = emulator.workspace;
    // A capture's hub (every sweep lists anew): databases whose listed data sources did not change
    // are not read again by the listing.
    const hub = createCaptureHub({ clock, reuseWindowMs: -1 });
    const sweep = (state: DatabasesState) => runStreamSweep(databasesStream, { ...ctx, hub }, state);
    const first = await sweep(initial());
    const before = expected(emulator);
    expect(first.committedDocs).toHaveLength(before.size);
    expect(before.size).toBeGreaterThanOrEqual(4);

    // A quiet sweep: one search, nothing fetched, nothing emitted.
    emulator.resetCounters();
    const quiet = await sweep(first.state);
    expect(quiet.committedDocs).toEqual([]);
    expect(emulator.counters().byRoute).toEqual({ search: 1 });

    // Changes: a data source added to one database, one edited in another, and a database whose
    // parent page is no longer shared (404, with whatever else lived under that page).
    const db0 = ws.databases[0]!;
    ws.addDataSource(db0.id);
    const dbEdited = ws.databases.find((db) => db.idx !== 0 && db.dataSourceIdxs.length > 0)!;
    const editedSource = ws.dataSources[dbEdited.dataSourceIdxs[0]!]!;
    editedSource.edited = Math.floor(emulator.now() / 60_000) * 60_000;
    const dbGone = ws.databases.find(
      (db) => db.idx !== 0 && db.idx !== dbEdited.idx && db.parent.type === 'page',
    )!;
    if (dbGone.parent.type !== 'page') throw new Error('expected a database under a page');
    ws.unsharePage(ws.pages[dbGone.parent.pageIdx]!.id);
    const after = expected(emulator);
    const gone = [...before.keys()].filter((id) => !after.has(id)).sort();
    expect(gone).toContain(dbGone.id);
    expect(after.has(db0.id) && after.has(dbEdited.id)).toBe(true);

    emulator.resetCounters();
    const third = await sweep(quiet.state);
    expect(ids(third.committedDocs.filter((doc) => !isDeletionDocument(doc)))).toEqual(
      [db0.id, dbEdited.id].sort(),
    );
    expect(third.committedDocs.filter(isDeletionDocument)).toEqual(
      gone.map((id) => ({ id, _meta: { op: 'd' } })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    expect(fetched(emulator)).toEqual([db0.id, dbEdited.id, ...gone].sort());
    expect(emulator.counters().byRoute).toEqual({ search: 1, 'databases.get': 2 + gone.length });
    const collection = new TestCollection().apply(first.committedDocs).apply(third.committedDocs);
    expect(collection.docs).toEqual(after);
    expect(Object.keys(third.state.databases).sort()).toEqual([...after.keys()].sort());
    expectValid(third.committedDocs);

    // The data sources edited in this minute may change again without moving last_edited_time:
    // the next sweep re-fetches their databases; once a sweep started well after, it is quiet.
    emulator.resetCounters();
    const fourth = await sweep(third.state);
    expect(fetched(emulator)).toEqual([db0.id, dbEdited.id].sort());
    clock.offsetMs = 10 * 60_000;
    const fifth = await sweep(fourth.state);
    expect(ids(fifth.committedDocs)).toEqual([db0.id, dbEdited.id].sort());
    emulator.resetCounters();
    const sixth = await sweep(fifth.state);
    expect(sixth.committedDocs).toEqual([]);
    expect(emulator.counters().byRoute).toEqual({ search: 1 });
  });

  it('ends with the same collection and state after crashes', async () => {
    const { emulator, ctx } = await setup({
      workspace: { seed: 8, size: 'tiny', dataSources: 120, pages: 130, now: TEST_START - 3_600_000 },
    });
    const reference = await runStreamSweep(databasesStream, ctx, initial());
    const truth = expected(emulator);

    let crashes = 0;
    for (const stops of [
      [1, 30, 51, 52, 80],
      [49, 50, 120],
    ]) {
      const { collection, state, sweeps } = await sweepWithCrashes(databasesStream, ctx, initial(), stops);
      crashes += sweeps - 1;
      expect(collection.docs).toEqual(truth);
      expect(state.databases).toEqual(reference.state.databases);
    }
    expect(crashes).toBeGreaterThanOrEqual(7);

    // After changes, crashing again.
    const ws = emulator.workspace;
    ws.addDataSource(ws.databases[0]!.id);
    const dbGone = ws.databases.find((db) => db.idx > 0 && db.parent.type === 'page')!;
    if (dbGone.parent.type !== 'page') throw new Error('expected a database under a page');
    ws.unsharePage(ws.pages[dbGone.parent.pageIdx]!.id);
    const after = expected(emulator);
    const { collection, state, sweeps } = await sweepWithCrashes(
      databasesStream,
      ctx,
      reference.state,
      [1, 2, 3],
      new TestCollection().apply(truth.values()),
    );
    expect(sweeps).toBe(4);
    expect(collection.docs).toEqual(after);
    expect(Object.keys(state.databases).sort()).toEqual([...after.keys()].sort());
    expect(databasesStream.stateSchema.parse(state)).toEqual(state);
  });
});
