import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DATABASES_CONCURRENCY, databasesStream } from './databases-stream.js';
import { startTestEnvironment, TEST_START, type TestEnvironment } from './emulator-harness.js';
import { reduceCollection, runSweep } from './sweep-harness.js';

// The published JSON schema compiled back into a validator with zod's fromJSONSchema: this checks
// what discover publishes, not the zod schema it was generated from.
const validateDocument = z.fromJSONSchema(databasesStream.documentSchema);

function expectValid(docs: readonly Record<string, unknown>[]) {
  for (const doc of docs)
    expect(validateDocument.safeParse(doc).success, JSON.stringify(doc).slice(0, 300)).toBe(true);
}

/** Databases are emitted as the API returns them: no transform. */
function expected(env: TestEnvironment): Map<string, Record<string, unknown>> {
  return new Map(env.emulator.groundTruth().databases.map((db) => [db.id, { ...db }]));
}

const initial = () => databasesStream.initialState({} as never);
const ids = (docs: readonly Record<string, unknown>[]) => docs.map((doc) => doc.id as string).sort();
const fetched = (env: TestEnvironment) =>
  env.emulator
    .requests()
    .filter((r) => r.route === 'databases.get')
    .map((r) => r.path.split('/').at(-1)!)
    .sort();

let env: TestEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('databasesStream against the emulator', () => {
  it('backfills the container of every visible data source, 8 GETs at a time', async () => {
    env = await startTestEnvironment({
      workspace: { seed: 4, size: 'tiny', dataSources: 120, pages: 130, now: TEST_START - 3_600_000 },
    });
    const ctx = env.context();
    const outcome = await runSweep(databasesStream, ctx, initial());
    expect(outcome.completed).toBe(true);
    const truth = expected(env);
    expect(truth.size).toBeGreaterThan(50);
    expect(outcome.committed).toHaveLength(truth.size);
    expect(new Map(outcome.committed.map((doc) => [doc.id as string, doc]))).toEqual(truth);
    expect(outcome.uncommitted).toEqual([]);
    expect(outcome.checkpoints.length).toBe(Math.floor(truth.size / 50) + 1);
    expect(Object.keys(outcome.state.databases).sort()).toEqual([...truth.keys()].sort());
    // Two search pages and one GET per database, nothing else.
    expect(env.emulator.counters().byRoute).toEqual({ search: 2, 'databases.get': truth.size });
    const { maxInFlight } = ctx.notion.limiter.stats();
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(DATABASES_CONCURRENCY);
    expect(env.progress.at(-1)).toMatchObject({
      unit: 'databases',
      done: truth.size,
      total: truth.size,
      backfill: true,
    });
    expectValid(outcome.committed);
  });

  it('re-fetches only databases whose data sources changed, and emits deletions', async () => {
    env = await startTestEnvironment({
      workspace: { seed: 6, size: 'tiny', dataSources: 10, pages: 80, now: TEST_START - 3_600_000 },
    });
    const { emulator } = env;
    const ws = emulator.workspace;
    const ctx = env.context();
    const first = await runSweep(databasesStream, ctx, initial());
    const before = expected(env);
    expect(first.committed).toHaveLength(before.size);
    expect(before.size).toBeGreaterThanOrEqual(4);

    // A quiet sweep: one search, nothing fetched, nothing emitted.
    emulator.resetCounters();
    const quiet = await runSweep(databasesStream, ctx, first.state);
    expect(quiet.committed).toEqual([]);
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
    const after = expected(env);
    const gone = [...before.keys()].filter((id) => !after.has(id)).sort();
    expect(gone).toContain(dbGone.id);
    expect(after.has(db0.id) && after.has(dbEdited.id)).toBe(true);

    emulator.resetCounters();
    const third = await runSweep(databasesStream, ctx, quiet.state);
    expect(ids(third.committed.filter((doc) => doc._meta === undefined))).toEqual(
      [db0.id, dbEdited.id].sort(),
    );
    expect(third.committed.filter((doc) => doc._meta !== undefined)).toEqual(
      gone.map((id) => ({ id, _meta: { op: 'd' } })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    expect(fetched(env)).toEqual([db0.id, dbEdited.id, ...gone].sort());
    expect(emulator.counters().byRoute).toEqual({ search: 1, 'databases.get': 2 + gone.length });
    const collection = reduceCollection(reduceCollection(new Map(), first.committed), third.committed);
    expect(collection).toEqual(after);
    expect(Object.keys(third.state.databases).sort()).toEqual([...after.keys()].sort());
    expectValid(third.committed);

    // The data sources edited in this minute may change again without moving last_edited_time:
    // the next sweep re-fetches their databases; once a sweep started well after, it is quiet.
    emulator.resetCounters();
    const fourth = await runSweep(databasesStream, ctx, third.state);
    expect(fetched(env)).toEqual([db0.id, dbEdited.id].sort());
    env.clockOffsetMs = 10 * 60_000;
    const fifth = await runSweep(databasesStream, ctx, fourth.state);
    expect(ids(fifth.committed)).toEqual([db0.id, dbEdited.id].sort());
    emulator.resetCounters();
    const sixth = await runSweep(databasesStream, ctx, fifth.state);
    expect(sixth.committed).toEqual([]);
    expect(emulator.counters().byRoute).toEqual({ search: 1 });
  });

  it('ends with the same collection and state after crashes', async () => {
    env = await startTestEnvironment({
      workspace: { seed: 8, size: 'tiny', dataSources: 120, pages: 130, now: TEST_START - 3_600_000 },
    });
    const ctx = env.context();
    const reference = await runSweep(databasesStream, ctx, initial());
    const truth = expected(env);

    let crashes = 0;
    for (const stops of [
      [1, 30, 51, 52, 80],
      [49, 50, 120],
    ]) {
      let collection = new Map<string, Record<string, unknown>>();
      let state = initial();
      for (;;) {
        const stop = stops.shift();
        const outcome = await runSweep(
          databasesStream,
          ctx,
          state,
          stop === undefined ? {} : { stopAfterEvents: stop },
        );
        collection = reduceCollection(collection, outcome.committed);
        state = outcome.state;
        if (outcome.completed) break;
        crashes += 1;
      }
      expect(collection).toEqual(truth);
      expect(state.databases).toEqual(reference.state.databases);
    }
    expect(crashes).toBeGreaterThanOrEqual(7);

    // After changes, crashing again.
    const ws = env.emulator.workspace;
    ws.addDataSource(ws.databases[0]!.id);
    const dbGone = ws.databases.find((db) => db.idx > 0 && db.parent.type === 'page')!;
    if (dbGone.parent.type !== 'page') throw new Error('expected a database under a page');
    ws.unsharePage(ws.pages[dbGone.parent.pageIdx]!.id);
    const after = expected(env);
    let collection = new Map(truth);
    let state = reference.state;
    const stops = [1, 2, 3];
    for (;;) {
      const stop = stops.shift();
      const outcome = await runSweep(
        databasesStream,
        ctx,
        state,
        stop === undefined ? {} : { stopAfterEvents: stop },
      );
      collection = reduceCollection(collection, outcome.committed);
      state = outcome.state;
      if (outcome.completed) break;
    }
    expect(collection).toEqual(after);
    expect(Object.keys(state.databases).sort()).toEqual([...after.keys()].sort());
  });
});
