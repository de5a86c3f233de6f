import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dataSourcesStream } from './data-sources-stream.js';
import { startTestEnvironment, TEST_START, type TestEnvironment } from './emulator-harness.js';
import { reduceCollection, runSweep } from './sweep-harness.js';

// The published JSON schema compiled back into a validator with zod's fromJSONSchema: this checks
// what discover publishes, not the zod schema it was generated from.
const validateDocument = z.fromJSONSchema(dataSourcesStream.documentSchema);

function expectValid(docs: readonly Record<string, unknown>[]) {
  for (const doc of docs)
    expect(validateDocument.safeParse(doc).success, JSON.stringify(doc).slice(0, 300)).toBe(true);
}

/** The ground truth after the documented transform: properties as [{name, value}]. */
function expected(env: TestEnvironment): Map<string, Record<string, unknown>> {
  return new Map(
    env.emulator.groundTruth().data_sources.map((source) => [
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

let env: TestEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('dataSourcesStream against the emulator', () => {
  it('backfills every visible data source from search alone', async () => {
    env = await startTestEnvironment({
      workspace: { seed: 4, size: 'tiny', dataSources: 140, pages: 160, now: TEST_START - 3_600_000 },
    });
    const outcome = await runSweep(dataSourcesStream, env.context(), initial());
    expect(outcome.completed).toBe(true);
    const truth = expected(env);
    expect(truth.size).toBe(140);
    expect(outcome.committed).toHaveLength(truth.size);
    expect(new Map(outcome.committed.map((doc) => [doc.id as string, doc]))).toEqual(truth);
    // Notion's order of properties is kept.
    const sample = env.emulator.groundTruth().data_sources[0]!;
    const doc = outcome.committed.find((d) => d.id === sample.id)!;
    expect((doc.properties as { name: string }[]).map((p) => p.name)).toEqual(Object.keys(sample.properties));
    expect(outcome.uncommitted).toEqual([]);
    // 140 documents: one checkpoint after 100, one at the end.
    expect(outcome.checkpoints).toHaveLength(2);
    expect(Object.keys(outcome.state.sources)).toHaveLength(140);
    const sweptAt = Date.parse(outcome.state.sweptAt!);
    expect(sweptAt).toBeGreaterThanOrEqual(TEST_START);
    expect(sweptAt).toBeLessThanOrEqual(env.emulator.now());
    // Search returns complete data sources: two search pages, no GET.
    expect(env.emulator.counters().byRoute).toEqual({ search: 2 });
    expect(env.progress.at(-1)).toMatchObject({ unit: 'data sources', done: 140, backfill: true });
    expectValid(outcome.committed);
  });

  it('emits exactly the changes and deletions, requesting only what left search', async () => {
    env = await startTestEnvironment();
    const { emulator } = env;
    const ws = emulator.workspace;
    const ctx = env.context();
    const first = await runSweep(dataSourcesStream, ctx, initial());
    expect(first.committed).toHaveLength(3);

    // A quiet sweep: nothing emitted, one search.
    emulator.resetCounters();
    const quiet = await runSweep(dataSourcesStream, ctx, first.state);
    expect(quiet.committed).toEqual([]);
    expect(emulator.counters().byRoute).toEqual({ search: 1 });

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
    const third = await runSweep(dataSourcesStream, ctx, quiet.state);
    expect(ids(third.committed.filter((doc) => doc._meta === undefined))).toEqual([added, ds1!.id].sort());
    expect(third.committed.filter((doc) => doc._meta !== undefined)).toEqual([
      { id: ds2!.id, _meta: { op: 'd' } },
    ]);
    expect(emulator.counters().byRoute).toEqual({ search: 1, 'data_sources.get': 2 });
    const gets = emulator
      .requests()
      .filter((r) => r.route === 'data_sources.get')
      .map((r) => r.path.split('/').at(-1))
      .sort();
    expect(gets).toEqual([ds0!.id, ds2!.id].sort());
    const collection = reduceCollection(reduceCollection(new Map(), first.committed), third.committed);
    expect(collection).toEqual(expected(env));
    expect(third.state.sources[ds2!.id]).toBeUndefined();
    expect(third.state.sources[ds0!.id]).toBe(first.state.sources[ds0!.id]);
    expectValid(third.committed);

    // Edited again within the same minute: last_edited_time does not move, the overlap catches it.
    ds1!.title = 'Renamed twice';
    emulator.resetCounters();
    const fourth = await runSweep(dataSourcesStream, ctx, third.state);
    expect(ids(fourth.committed)).toEqual([added, ds1!.id].sort());
    expect(
      (fourth.committed.find((doc) => doc.id === ds1!.id)!.title as { plain_text: string }[])[0]!.plain_text,
    ).toBe('Renamed twice');
    expect(emulator.counters().byRoute).toEqual({ search: 1, 'data_sources.get': 1 });

    // Once a sweep started well after the last edit, the next one is quiet again.
    env.clockOffsetMs = 10 * 60_000;
    const fifth = await runSweep(dataSourcesStream, ctx, fourth.state);
    expect(ids(fifth.committed)).toEqual([added, ds1!.id].sort());
    const sixth = await runSweep(dataSourcesStream, ctx, fifth.state);
    expect(sixth.committed).toEqual([]);
  });

  it('ends with the same collection and state after crashes at random points', async () => {
    env = await startTestEnvironment({
      workspace: { seed: 9, size: 'tiny', dataSources: 130, pages: 140, now: TEST_START - 3_600_000 },
    });
    const ctx = env.context();
    const reference = await runSweep(dataSourcesStream, ctx, initial());
    const truth = expected(env);

    let seed = 99;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % n);
    };
    let crashes = 0;
    for (let round = 0; round < 3; round++) {
      let collection = new Map<string, Record<string, unknown>>();
      let state = initial();
      for (;;) {
        const outcome = await runSweep(dataSourcesStream, ctx, state, { stopAfterEvents: random(140) });
        collection = reduceCollection(collection, outcome.committed);
        state = outcome.state;
        if (outcome.completed) break;
        crashes += 1;
      }
      expect(collection).toEqual(truth);
      expect(state.sources).toEqual(reference.state.sources);
    }
    expect(crashes).toBeGreaterThan(0);

    // Incremental sweeps after changes (one added, one edited, a database gone), crashing too.
    const ws = env.emulator.workspace;
    const added = ws.addDataSource(ws.databases[0]!.id);
    const edited = ws.dataSources[5]!;
    edited.title = 'Edited';
    edited.edited = Math.floor(env.emulator.now() / 60_000) * 60_000;
    const gone = ws.databases.find((db) => db.parent.type === 'page' && db.idx > 0)!;
    if (gone.parent.type !== 'page') throw new Error('expected a database under a page');
    ws.unsharePage(ws.pages[gone.parent.pageIdx]!.id);
    const after = expected(env);
    expect(after.has(added)).toBe(true);
    expect(after.size).toBeLessThan(truth.size - 45);
    let collection = new Map(truth);
    let state = reference.state;
    let crashedAfterChanges = 0;
    const stops = [2, 20, 40];
    for (;;) {
      const stop = stops.shift();
      const outcome = await runSweep(
        dataSourcesStream,
        ctx,
        state,
        stop === undefined ? {} : { stopAfterEvents: stop },
      );
      collection = reduceCollection(collection, outcome.committed);
      state = outcome.state;
      if (outcome.completed) break;
      crashedAfterChanges += 1;
    }
    expect(crashedAfterChanges).toBe(3);
    expect(collection).toEqual(after);
    expect(Object.keys(state.sources).sort()).toEqual([...after.keys()].sort());
  });
});
