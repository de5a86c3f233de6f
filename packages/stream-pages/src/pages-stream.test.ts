import { Validator } from '@cfworker/json-schema';
import {
  createCaptureHub,
  initialPageSweepState,
  isDeletionDocument,
  type PageSweepHandler,
  type PageSweepState,
  runPageSweep,
  type Stream,
  type StreamDocument,
} from '@source-notion/core';
import {
  createStreamTestContext,
  createTestResources,
  runStreamSweep,
  sweepWithCrashes,
  TestCollection,
  withoutVolatile,
} from '@source-notion/core/testing';
import { type Emulator, startTestEmulator } from '@source-notion/notion-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createPagesStream, type PagesState, pageDocument, pagesStream } from './index.js';

const START_DATE = '2000-01-01T00:00:00.000Z';
const HOUR = 3_600_000;
const validator = new Validator(pagesStream.documentSchema as never, '2020-12', false);

const opened = createTestResources();
afterEach(() => opened.closeAll());

async function setup(options: { seed?: number; queryResultLimit?: number } = {}) {
  const emulator = opened.add(
    await startTestEmulator({
      // Generated history ends two hours ago, so every backfilled page is settled.
      workspace: { seed: options.seed ?? 11, size: 'tiny', now: Date.now() - 2 * HOUR },
      // Search leaves out pages at random, seeded by their edit minute (which follows the clock):
      // without a CaptureHub nothing reaches such a child page (the blocks stream finds it), so
      // these tests would depend on the minute they run in. Reliability tests cover it with a hub.
      limits: { searchOmitPageRate: 0 },
      ...(options.queryResultLimit !== undefined ? { queryResultLimit: options.queryResultLimit } : {}),
    }),
  );
  const ctx = opened.add(
    createStreamTestContext({
      baseUrl: emulator.url,
      token: emulator.token,
      config: { start_date: START_DATE },
    }),
  );
  return { emulator, ctx };
}

function expectValid(docs: StreamDocument[]) {
  for (const doc of docs) {
    const result = validator.validate(doc);
    expect(result.valid, JSON.stringify(result.errors.slice(0, 3))).toBe(true);
  }
}

function truth(emu: Emulator): StreamDocument[] {
  return withoutVolatile(
    emu
      .groundTruth()
      .pages.map((page) => pageDocument(page as never))
      .sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1)),
  );
}

const LIST_TYPES = new Set(['relation', 'people', 'title', 'rich_text']);
/**
 * Property values the pages stream completes: those holding 25 items or more (what a page object
 * truncates or may have truncated) and, on a page with a relation over 25 references, every rollup
 * and formula.
 */
function bigValues(emu: Emulator, ids?: Set<string>): number {
  let count = 0;
  for (const page of emu.groundTruth().pages) {
    if (ids && !ids.has(page.id)) continue;
    const values = Object.values(page.properties) as Array<Record<string, unknown>>;
    const size = (value: Record<string, unknown>) => {
      const items = value[value.type as string];
      return LIST_TYPES.has(value.type as string) && Array.isArray(items) ? items.length : 0;
    };
    const relationTruncated = values.some((value) => value.type === 'relation' && size(value) > 25);
    for (const value of values) {
      if (size(value) >= 25) count++;
      else if (relationTruncated && (value.type === 'rollup' || value.type === 'formula')) count++;
    }
  }
  return count;
}

describe('pages stream', () => {
  it('backfills every page with complete property values, requesting property items only for truncated ones', async () => {
    const { emulator: emu, ctx } = await setup();
    const result = await runStreamSweep(pagesStream, ctx, pagesStream.initialState(ctx.config));
    expect(result.completed).toBe(true);
    expectValid(result.docs);
    const collection = new TestCollection().apply(result.committedDocs);
    expect(withoutVolatile(collection.sorted())).toEqual(truth(emu));

    // A relation with 40 targets is complete.
    const relation40 = collection
      .sorted()
      .flatMap((doc) => doc.properties as Array<{ name: string; value: Record<string, unknown> }>)
      .find((p) => p.value.type === 'relation' && (p.value.relation as unknown[]).length === 40);
    expect(relation40?.value.has_more).toBe(false);

    const counters = emu.counters().byRoute;
    expect(counters['pages.get'] ?? 0).toBe(0);
    expect(counters['pages.property'] ?? 0).toBe(bigValues(emu));
    expect(counters['pages.property']).toBeGreaterThan(0);
    expect(result.state.cursor).not.toBeNull();
    expect(Object.keys(result.state.pages)).toHaveLength(collection.size);
    expect(ctx.progressReports.at(-1)).toMatchObject({
      unit: 'pages',
      backfill: true,
      done: collection.size,
    });
  });

  it('sweeps incrementally: edits, new rows, trashed and purged pages, and nothing for unchanged pages', async () => {
    const { emulator: emu, ctx } = await setup();
    const stream = createPagesStream({
      deletionScanIntervalMs: 0,
      scanBudgetShare: Number.POSITIVE_INFINITY,
    });
    const backfill = await runStreamSweep(stream, ctx, stream.initialState(ctx.config));
    const collection = new TestCollection().apply(backfill.committedDocs);

    const pages = emu.groundTruth().pages;
    const rows = pages.filter((p) => p.parent.type === 'data_source_id');
    const standalone = pages.filter((p) => p.parent.type !== 'data_source_id');
    const edited = rows[0]!.id;
    const trashed = rows[1]!.id;
    const leaf = (id: string) => {
      const record = emu.workspace.pageById(id)!;
      return record.childPageIdxs.length === 0 && record.childDatabaseIdxs.length === 0;
    };
    const purged = standalone.find((p) => leaf(p.id))!.id;
    const dataSourceId = (rows[2]!.parent as { data_source_id: string }).data_source_id;
    emu.workspace.editPage(edited, { title: 'Edited title' });
    emu.workspace.trashPage(trashed);
    emu.workspace.purgePage(purged);
    const added = emu.workspace.addPage(dataSourceId, { title: 'A new row' });
    const gone = new Set(emu.groundTruth().pages.map((p) => p.id));
    const vanished = pages.filter((p) => !gone.has(p.id)).map((p) => p.id);
    expect(vanished).toEqual([purged]);

    emu.resetCounters();
    const sweep = await runStreamSweep(stream, ctx, backfill.state);
    expectValid(sweep.docs);
    collection.apply(sweep.committedDocs);
    expect(withoutVolatile(collection.sorted())).toEqual(truth(emu));

    const emitted = sweep.docs.map((d) => `${d.id}${isDeletionDocument(d) ? ':d' : ''}`);
    expect(emitted.sort()).toEqual([edited, trashed, added, ...vanished.map((id) => `${id}:d`)].sort());
    expect(sweep.docs.find((d) => d.id === trashed)?.in_trash).toBe(true);
    // Only the pages the enumeration no longer lists are fetched.
    const counters = emu.counters().byRoute;
    expect(counters['pages.get']).toBe(1 + vanished.length);
    expect(counters['pages.property'] ?? 0).toBe(bigValues(emu, new Set([edited, added])));
    expect(counters['blocks.children'] ?? 0).toBe(0);

    // A sweep without a scan and without changes emits nothing and fetches no page.
    const quiet = createPagesStream();
    emu.resetCounters();
    const again = await runStreamSweep(quiet, ctx, sweep.state);
    expect(again.docs.filter((d) => d.id !== edited && d.id !== added)).toEqual([]);
    expect(emu.counters().byRoute['pages.get'] ?? 0).toBe(0);
    expect(Object.keys(emu.counters().byRoute).sort()).toEqual(
      [
        'data_sources.query',
        // The data sources search omits are found through their databases, resolved by an earlier
        // sweep (the state keeps them) and read with one GET each when search omits them now.
        ...(emu.counters().byRoute['data_sources.get'] ? ['data_sources.get'] : []),
        'search',
        ...(emu.counters().byRoute['pages.property'] ? ['pages.property'] : []),
      ].sort(),
    );
  });

  it('a later capture reads a database again only when what search lists of it changed, or a day later', async () => {
    const { emulator: emu, ctx } = await setup();
    const capture = (state: PagesState) =>
      runStreamSweep(pagesStream, { ...ctx, hub: createCaptureHub({ clock: ctx.clock }) }, state);
    const backfill = await capture(pagesStream.initialState(ctx.config));
    const databases = emu.groundTruth().databases.length;
    expect(emu.counters().byRoute['databases.get']).toBe(databases);
    expect(backfill.state.databases?.split(' ')).toHaveLength(databases);

    // A new capture (a new hub) from the state: no database is read.
    emu.resetCounters();
    const quiet = await capture(backfill.state);
    expect(emu.counters().byRoute['databases.get'] ?? 0).toBe(0);

    // A data source added to a database: search lists it, so that database (only) is read again.
    const database = emu.groundTruth().databases[0]!;
    const added = emu.workspace.addDataSource(database.id);
    const row = emu.workspace.addPage(added, { title: 'A row of the new data source' });
    emu.resetCounters();
    const grown = await capture(quiet.state);
    expect(
      emu
        .requests()
        .filter((r) => r.route === 'databases.get')
        .map((r) => r.path),
    ).toEqual([`/v1/databases/${database.id}`]);
    expect(grown.docs.map((d) => d.id)).toContain(row);

    // Resolutions older than a day are read again.
    const dayAgo = Math.floor((Date.now() - 25 * HOUR) / 1000);
    const aged = { ...grown.state, databases: grown.state.databases?.replace(/@\d+:/g, `@${dayAgo}:`) };
    emu.resetCounters();
    await capture(aged);
    expect(emu.counters().byRoute['databases.get']).toBe(databases);
  });

  it('captures data source rows that search omits, through the data source query', async () => {
    const { emulator: emu, ctx } = await setup({ seed: 12 });
    const row = emu.groundTruth().pages.find((p) => p.parent.type === 'data_source_id')!;
    emu.workspace.hideFromSearch(row.id);
    const result = await runStreamSweep(pagesStream, ctx, pagesStream.initialState(ctx.config));
    const collection = new TestCollection().apply(result.committedDocs);
    expect(collection.docs.has(row.id)).toBe(true);
    expect(withoutVolatile(collection.sorted())).toEqual(truth(emu));
  });

  it('continues data source queries past the row cap with a narrower window', async () => {
    const { emulator: emu, ctx } = await setup({ queryResultLimit: 4 });
    const result = await runStreamSweep(pagesStream, ctx, pagesStream.initialState(ctx.config));
    const collection = new TestCollection().apply(result.committedDocs);
    expect(withoutVolatile(collection.sorted())).toEqual(truth(emu));
    expect(emu.counters().byRoute['data_sources.query']).toBeGreaterThan(3);
  });

  it('ends with the same collection after crashes at random points as an uninterrupted run', async () => {
    const { emulator: emu, ctx } = await setup({ seed: 13 });
    const stream = createPagesStream({
      checkpointEvery: 7,
      deletionScanIntervalMs: 0,
      scanBudgetShare: Number.POSITIVE_INFINITY,
    });
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const stops = Array.from({ length: 6 }, () => 1 + Math.floor(random() * 40));
    const crashed = await sweepWithCrashes<PagesState>(stream, ctx, stream.initialState(ctx.config), stops);
    expect(crashed.sweeps).toBeGreaterThan(1);
    expect(withoutVolatile(crashed.collection.sorted())).toEqual(truth(emu));

    // Incremental, crashing too.
    const rows = emu.groundTruth().pages.filter((p) => p.parent.type === 'data_source_id');
    for (const page of rows.slice(0, 10)) emu.workspace.editPage(page.id);
    emu.workspace.trashPage(rows[11]!.id);
    const again = await sweepWithCrashes(stream, ctx, crashed.state, [2, 3, 1], crashed.collection);
    expect(withoutVolatile(again.collection.sorted())).toEqual(truth(emu));
  });

  it('captures a standalone page search omits once a CaptureHub shares what the blocks stream found', async () => {
    const { emulator: emu, ctx } = await setup({ seed: 14 });
    // A leaf: a listed child page of it would lead to it (its parent, climbed to).
    const child = emu
      .groundTruth()
      .pages.find(
        (p) => p.parent.type === 'page_id' && emu.workspace.pageById(p.id)!.childPageIdxs.length === 0,
      )!;
    emu.workspace.hideFromSearch(child.id);
    const alone = await runStreamSweep(pagesStream, ctx, pagesStream.initialState(ctx.config));
    const collection = new TestCollection().apply(alone.committedDocs);
    // Without a hub the gap remains (documented): nothing lists the page.
    expect(collection.docs.has(child.id)).toBe(false);

    // What the blocks stream publishes when it meets the child_page block.
    const hub = createCaptureHub({ clock: ctx.clock });
    hub.foundPages.publish([
      {
        id: child.id,
        lastEditedTime: child.last_edited_time as string,
        parentPageId: (child.parent as { page_id: string }).page_id,
        reason: 'child',
      },
    ]);
    emu.resetCounters();
    const shared = await runStreamSweep(pagesStream, { ...ctx, hub }, alone.state);
    expectValid(shared.docs);
    collection.apply(shared.committedDocs);
    expect(withoutVolatile(collection.sorted())).toEqual(truth(emu));
    expect(emu.counters().byRoute['pages.get']).toBe(1);
    // Captured once: the next sweep knows it.
    emu.resetCounters();
    const again = await runStreamSweep(
      createPagesStream({ deletionScanIntervalMs: HOUR }),
      { ...ctx, hub },
      shared.state,
    );
    expect(again.docs.filter((d) => d.id === child.id)).toEqual([]);
    expect(emu.counters().byRoute['pages.get'] ?? 0).toBe(0);
  });

  it('lists pages once for the three page streams sweeping at once through a CaptureHub', async () => {
    const { emulator: emu, ctx } = await setup({ seed: 15 });
    // Stand-ins for the blocks and comments streams: page sweeps with handlers of their own
    // (an idle sweep never calls them; the listing is what is measured).
    const idle: PageSweepHandler = {
      process: async () => ({ docs: [], record: {} }),
      gone: () => [],
    };
    const sweepStream = (name: 'blocks' | 'comments'): Stream<PageSweepState> => ({
      ...pagesStream,
      name,
      initialState: () => initialPageSweepState(),
      read: (c, state) => runPageSweep(c, state, idle, { deletionScanIntervalMs: HOUR }),
    });
    const streams = [
      createPagesStream({ deletionScanIntervalMs: HOUR }),
      sweepStream('blocks'),
      sweepStream('comments'),
    ];
    const states: PageSweepState[] = [];
    for (const stream of streams)
      states.push((await runStreamSweep(stream, ctx, stream.initialState(ctx.config))).state);

    emu.resetCounters();
    await runStreamSweep(streams[0]!, ctx, states[0]!);
    const listing = (route: Record<string, number>) =>
      (route.search ?? 0) + (route['data_sources.query'] ?? 0);
    const oneDiscovery = listing(emu.counters().byRoute);
    expect(oneDiscovery).toBeGreaterThanOrEqual(3);
    // All of one discovery's requests: the listing, each database read once, and a GET of each data
    // source search omits.
    const oneSweep = emu.counters().requests;

    emu.resetCounters();
    const hub = createCaptureHub({ clock: ctx.clock });
    const results = await Promise.all(
      streams.map((stream, i) => runStreamSweep(stream, { ...ctx, hub }, states[i]!)),
    );
    expect(results.every((r) => r.completed)).toBe(true);
    expect(listing(emu.counters().byRoute)).toBe(oneDiscovery);
    expect(emu.counters().requests).toBe(oneSweep);
  });
});
