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
import { createDataSourcesStream, dataSourcesStream } from './data-sources-stream.js';

// The published JSON schema compiled back into a validator with zod's fromJSONSchema: this checks
// what discover publishes, not the zod schema it was generated from.
const validateDocument = z.fromJSONSchema(dataSourcesStream.documentSchema);

function expectValid(docs: readonly Record<string, unknown>[]) {
  for (const doc of docs)
    expect(validateDocument.safeParse(doc).success, JSON.stringify(doc).slice(0, 300)).toBe(true);
}

/** The ground truth after the documented transform: properties as [{name, value}]. */
function expected(emulator: Emulator): Map<string, Record<string, unknown>> {
  return new Map(
    emulator.groundTruth().data_sources.map((source) => [
      source.id,
      {
        ...source,
        properties: Object.entries(source.properties).map(([name, value]) => ({ name, value })),
      },
    ]),
  );
}

const initial = () => dataSourcesStream.initialState({} as never);
const ids = (docs: readonly Record<string, unknown>[]) => docs.map((doc) => doc.id as string).sort();

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
async function setup(options: EmulatorOptions = {}) {
  const emulator = opened.add(
    await startTestEmulator({
      workspace: { seed: 7, size: 'tiny', now: TEST_START - 3_600_000 },
      startTime: TEST_START,
      limits: SEARCH_LISTS_DATA_SOURCES,
      ...options,
    }),
  );
  const clock: OffsetClock = createOffsetClock(() => emulator.now());
  const ctx = opened.add(createStreamTestContext({ baseUrl: emulator.url, token: emulator.token, clock }));
  return { emulator, ctx, clock };
}

/** The databases holding the visible data sources (each read once by a listing). */
function databaseCount(emulator: Emulator): number {
  return new Set(
    emulator.groundTruth().data_sources.map((ds) => (ds.parent as { database_id: string }).database_id),
  ).size;
}

/** Request counts by route, without the listing's database reads. */
function withoutDatabases(byRoute: Record<string, number>): Record<string, number> {
  const { 'databases.get': _, ...rest } = byRoute;
  return rest;
}

describe('dataSourcesStream against the emulator', () => {
  it('backfills every visible data source from search alone', async () => {
    const { emulator, ctx } = await setup({
      workspace: { seed: 4, size: 'tiny', dataSources: 140, pages: 160, now: TEST_START - 3_600_000 },
    });
    const outcome = await runStreamSweep(dataSourcesStream, ctx, initial());
    expect(outcome.completed).toBe(true);
    const truth = expected(emulator);
    expect(truth.size).toBe(140);
    expect(outcome.committedDocs).toHaveLength(truth.size);
    expect(new Map(outcome.committedDocs.map((doc) => [doc.id as string, doc]))).toEqual(truth);
    // Notion's order of properties is kept.
    const sample = emulator.groundTruth().data_sources[0]!;
    const doc = outcome.committedDocs.find((d) => d.id === sample.id)!;
    expect((doc.properties as { name: string }[]).map((p) => p.name)).toEqual(Object.keys(sample.properties));
    expect(outcome.committedDocs).toEqual(outcome.docs);
    // 140 documents: one checkpoint after 100, one at the end.
    expect(outcome.checkpoints).toHaveLength(2);
    expect(Object.keys(outcome.state.sources)).toHaveLength(140);
    const sweptAt = Date.parse(outcome.state.sweptAt!);
    expect(sweptAt).toBeGreaterThanOrEqual(TEST_START);
    expect(sweptAt).toBeLessThanOrEqual(emulator.now());
    // Search returns complete data sources: two search pages, no data source GET; the listing
    // reads each database once (the data sources search omits are found there).
    expect(emulator.counters().byRoute).toEqual({ search: 2, 'databases.get': databaseCount(emulator) });
    expect(ctx.progressReports.at(-1)).toMatchObject({ unit: 'data sources', done: 140, backfill: true });
    expectValid(outcome.committedDocs);
  });

  it('emits exactly the changes and deletions, requesting only what left search', async () => {
    const { emulator, ctx, clock } = await setup();
    const ws = emulator.workspace;
    const first = await runStreamSweep(dataSourcesStream, ctx, initial());
    expect(first.committedDocs).toHaveLength(3);

    // A quiet sweep: nothing emitted, one search.
    emulator.resetCounters();
    const quiet = await runStreamSweep(dataSourcesStream, ctx, first.state);
    expect(quiet.committedDocs).toEqual([]);
    expect(withoutDatabases(emulator.counters().byRoute)).toEqual({ search: 1 });

    // Mutations: a new data source, an edited one, one hidden from search (unchanged), and one
    // whose database's parent page is no longer shared (404).
    const [ds0, ds1, ds2] = ws.dataSources;
    const added = ws.addDataSource(ws.databases[0]!.id);
    ds1!.title = 'Renamed schema';
    ds1!.edited = Math.floor(emulator.now() / 60_000) * 60_000;
    ws.hideFromSearch(ds0!.id);
    const db1 = ws.databases[ds2!.databaseIdx]!;
    if (db1.parent.type !== 'page') throw new Error('expected a database under a page');
    ws.unsharePage(ws.pages[db1.parent.pageIdx]!.id);

    emulator.resetCounters();
    const third = await runStreamSweep(dataSourcesStream, ctx, quiet.state);
    expect(ids(third.committedDocs.filter((doc) => !isDeletionDocument(doc)))).toEqual(
      [added, ds1!.id].sort(),
    );
    expect(third.committedDocs.filter(isDeletionDocument)).toEqual([{ id: ds2!.id, _meta: { op: 'd' } }]);
    // ds0 is found through its database (search omits it), ds2 is confirmed gone.
    expect(withoutDatabases(emulator.counters().byRoute)).toEqual({ search: 1, 'data_sources.get': 2 });
    const gets = emulator
      .requests()
      .filter((r) => r.route === 'data_sources.get')
      .map((r) => r.path.split('/').at(-1))
      .sort();
    expect(gets).toEqual([ds0!.id, ds2!.id].sort());
    const collection = new TestCollection().apply(first.committedDocs).apply(third.committedDocs);
    expect(collection.docs).toEqual(expected(emulator));
    expect(third.state.sources[ds2!.id]).toBeUndefined();
    expect(third.state.sources[ds0!.id]).toBe(first.state.sources[ds0!.id]);
    expectValid(third.committedDocs);

    // Edited again within the same minute: last_edited_time does not move, the overlap catches it.
    ds1!.title = 'Renamed twice';
    emulator.resetCounters();
    const fourth = await runStreamSweep(dataSourcesStream, ctx, third.state);
    expect(ids(fourth.committedDocs)).toEqual([added, ds1!.id].sort());
    expect(
      (fourth.committedDocs.find((doc) => doc.id === ds1!.id)!.title as { plain_text: string }[])[0]!
        .plain_text,
    ).toBe('Renamed twice');
    expect(withoutDatabases(emulator.counters().byRoute)).toEqual({ search: 1, 'data_sources.get': 1 });

    // Once a sweep started well after the last edit, the next one is quiet again.
    clock.offsetMs = 10 * 60_000;
    const fifth = await runStreamSweep(dataSourcesStream, ctx, fourth.state);
    expect(ids(fifth.committedDocs)).toEqual([added, ds1!.id].sort());
    const sixth = await runStreamSweep(dataSourcesStream, ctx, fifth.state);
    expect(sixth.committedDocs).toEqual([]);
  });

  it('checkpoints as often as it was created to', async () => {
    const { emulator, ctx } = await setup({
      workspace: { seed: 4, size: 'tiny', dataSources: 140, pages: 160, now: TEST_START - 3_600_000 },
    });
    const stream = createDataSourcesStream({ checkpointEvery: 50 });
    const outcome = await runStreamSweep(stream, ctx, stream.initialState({} as never));
    expect(new Map(outcome.committedDocs.map((doc) => [doc.id as string, doc]))).toEqual(expected(emulator));
    // 140 documents: after 50, after 100, at the end.
    expect(outcome.checkpoints).toHaveLength(3);
  });

  it('shares one data source listing with the other streams through the CaptureHub', async () => {
    const { emulator, ctx, clock } = await setup({
      workspace: { seed: 4, size: 'tiny', dataSources: 140, pages: 160, now: TEST_START - 3_600_000 },
    });
    const hub = createCaptureHub({ clock });
    // Another stream (databases, page discovery) lists the data sources first, reading ids only.
    const other = listDataSources(ctx.notion, { hub, clock });
    let seen = 0;
    for await (const _ of other.results) seen++;
    expect(seen).toBe(140);

    clock.offsetMs = 30_000;
    const shared = await runStreamSweep(dataSourcesStream, { ...ctx, hub }, initial());
    // Whole objects from the one listing: documents equal to the truth, no second search, no GET.
    expect(new Map(shared.committedDocs.map((doc) => [doc.id as string, doc]))).toEqual(expected(emulator));
    const databases = databaseCount(emulator);
    expect(emulator.counters().byRoute).toEqual({ search: 2, 'databases.get': databases });
    // What the sweep saw is as of when the listing started, before the sweep did.
    expect(shared.state.sweptAt).toBe(new Date(other.startedAt).toISOString());

    // Past the reuse window the next sweep lists again.
    clock.offsetMs = 120_000;
    await runStreamSweep(dataSourcesStream, { ...ctx, hub }, shared.state);
    // Databases whose listed data sources did not change are not read again in this capture.
    expect(emulator.counters().byRoute).toEqual({ search: 4, 'databases.get': databases });
  });

  it('ends with the same collection and state after crashes at random points', async () => {
    const { emulator, ctx } = await setup({
      workspace: { seed: 9, size: 'tiny', dataSources: 130, pages: 140, now: TEST_START - 3_600_000 },
    });
    const reference = await runStreamSweep(dataSourcesStream, ctx, initial());
    const truth = expected(emulator);

    let seed = 99;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % n);
    };
    let crashes = 0;
    for (let round = 0; round < 3; round++) {
      const stops = Array.from({ length: 3 }, () => random(140));
      const { collection, state, sweeps } = await sweepWithCrashes(dataSourcesStream, ctx, initial(), stops);
      crashes += sweeps - 1;
      expect(collection.docs).toEqual(truth);
      expect(state.sources).toEqual(reference.state.sources);
    }
    expect(crashes).toBeGreaterThan(0);

    // Incremental sweeps after changes (one added, one edited, a database gone), crashing too.
    const ws = emulator.workspace;
    const added = ws.addDataSource(ws.databases[0]!.id);
    const edited = ws.dataSources[5]!;
    edited.title = 'Edited';
    edited.edited = Math.floor(emulator.now() / 60_000) * 60_000;
    const gone = ws.databases.find((db) => db.parent.type === 'page' && db.idx > 0)!;
    if (gone.parent.type !== 'page') throw new Error('expected a database under a page');
    ws.unsharePage(ws.pages[gone.parent.pageIdx]!.id);
    const after = expected(emulator);
    expect(after.has(added)).toBe(true);
    expect(after.size).toBeLessThan(truth.size - 45);
    const { collection, state, sweeps } = await sweepWithCrashes(
      dataSourcesStream,
      ctx,
      reference.state,
      [2, 20, 40],
      new TestCollection().apply(truth.values()),
    );
    expect(sweeps).toBe(4);
    expect(collection.docs).toEqual(after);
    expect(Object.keys(state.sources).sort()).toEqual([...after.keys()].sort());
    expect(dataSourcesStream.stateSchema.parse(state)).toEqual(state);
  });
});
