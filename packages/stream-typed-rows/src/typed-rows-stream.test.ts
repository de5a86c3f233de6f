import { Validator } from '@cfworker/json-schema';
import {
  completePageOnce,
  createCaptureHub,
  deletionDocument,
  initialPageSweepState,
  isDeletionDocument,
  type NotionPage,
  type PageSweepHandler,
  retrievePage,
  runPageSweep,
  type StreamContext,
  type StreamDocument,
  truncatedProperties,
} from '@source-notion/core';
import { createStreamTestContext, createTestResources, runStreamSweep } from '@source-notion/core/testing';
import { type Emulator, startTestEmulator } from '@source-notion/notion-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { typedRow } from './typed-document.js';
import { createTypedRowsStream, type DataSourceProperties } from './typed-rows-stream.js';

const START_DATE = '2000-01-01T00:00:00.000Z';
const HOUR = 3_600_000;
const opened = createTestResources();
afterEach(() => opened.closeAll());

async function setup() {
  const emulator = opened.add(
    await startTestEmulator({ workspace: { seed: 11, size: 'tiny', now: Date.now() - 2 * HOUR } }),
  );
  const ctx = opened.add(
    createStreamTestContext({
      baseUrl: emulator.url,
      token: emulator.token,
      config: { start_date: START_DATE },
    }),
  );
  // Projects has every property type but these three (the default workspace stays as it was).
  const projects = emulator.workspace.data.dataSources[0]!;
  emulator.workspace.addProperty(projects.id, 'verification', 'Checked');
  emulator.workspace.addProperty(projects.id, 'place', 'Office');
  emulator.workspace.addProperty(projects.id, 'button', 'Launch');
  return { emulator, ctx, dataSourceId: projects.id };
}

function dataSource(emulator: Emulator, id: string) {
  const source = emulator.groundTruth().data_sources.find((s) => s.id === id)!;
  return { properties: source.properties as DataSourceProperties, title: 'Projects' };
}

/** The ground truth's rows of a data source, as typed documents. */
function truthRows(emulator: Emulator, dataSourceId: string): StreamDocument[] {
  return emulator
    .groundTruth()
    .pages.filter(
      (page) => page.parent.type === 'data_source_id' && page.parent.data_source_id === dataSourceId,
    )
    .map((page) => typedRow(page as unknown as NotionPage).doc);
}

/** File URLs are signed per read: compare them without the signature. */
const unsigned = (docs: StreamDocument[]) =>
  JSON.parse(JSON.stringify(docs).replace(/\?[^"]*"/g, '"')) as StreamDocument[];
const byId = (docs: StreamDocument[]) => [...docs].sort((a, b) => String(a.id).localeCompare(String(b.id)));

function expectValid(schema: object, docs: StreamDocument[]) {
  const validator = new Validator(schema as never, '2020-12', false);
  for (const doc of docs) {
    const result = validator.validate(doc);
    expect(result.valid, `${doc.id}: ${JSON.stringify(result.errors.slice(0, 3))}`).toBe(true);
  }
}

/** A stand-in for the pages stream: every page from the listing, truncated values completed. */
function pagesHandler(ctx: StreamContext): PageSweepHandler {
  const doc = (page: NotionPage) => ({ docs: [{ id: page.id }], record: {}, page });
  return {
    fromListing: (page) => (truncatedProperties(page).length > 0 ? undefined : doc(page)),
    async process(item, _prior, signal) {
      const page = item.page ?? (await retrievePage(ctx.notion, item.id, signal));
      if (page === undefined) return { docs: [deletionDocument(item.id)], record: null };
      return doc(await completePageOnce(ctx, page, signal));
    },
    gone: (id) => [deletionDocument(id)],
  };
}

async function drain(events: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of events);
}

describe('typed rows stream', () => {
  it('captures every row of its data source as typed columns, each valid against the schema, every SDK property type', async () => {
    const { emulator, ctx, dataSourceId } = await setup();
    const stream = createTypedRowsStream({ dataSourceId, ...dataSource(emulator, dataSourceId) });
    const types = new Set(Object.values(dataSource(emulator, dataSourceId).properties).map((p) => p.type));
    expect(types.size).toBe(24);

    const result = await runStreamSweep(stream, ctx, stream.initialState(ctx.config));
    expect(result.completed).toBe(true);
    const rows = result.docs.filter((doc) => !isDeletionDocument(doc));
    expect(unsigned(byId(rows))).toEqual(unsigned(byId(truthRows(emulator, dataSourceId))));
    // The published schema and the one declared before the first row both accept every row.
    expectValid(stream.documentSchema, result.docs);
    expect(result.schemas).toHaveLength(1);
    expectValid(result.schemas[0]!, result.docs);
    // A relation past 25 references is complete (the ground truth's 40 targets).
    expect(Math.max(...rows.map((row) => (row.Tasks as string[]).length))).toBeGreaterThan(25);
    // Declared once: the state remembers the columns, the next sweep declares nothing.
    const again = await runStreamSweep(stream, ctx, result.state);
    expect(again.schemas).toEqual([]);
  });

  it('declares a widened schema before the first row of a new shape; trashed rows stay, purged ones are deleted', async () => {
    const { emulator, ctx, dataSourceId } = await setup();
    // Every sweep a deletion scan (the only way trashed and purged rows show: queries omit them).
    const stream = createTypedRowsStream({
      dataSourceId,
      deletionScanIntervalMs: 0,
      scanBudgetShare: Infinity,
    });
    const first = await runStreamSweep(stream, ctx, stream.initialState(ctx.config));
    const rows = first.docs.map((doc) => String(doc.id));
    emulator.workspace.renameProperty(dataSourceId, 'Budget', 'Budget (EUR)');
    emulator.workspace.retypeProperty(dataSourceId, 'Stage', 'number');
    emulator.workspace.editPage(rows[0]!);
    emulator.workspace.trashPage(rows[1]!);
    emulator.workspace.purgePage(rows[2]!);

    const second = await runStreamSweep(stream, ctx, first.state);
    const edited = second.docs.find((doc) => doc.id === rows[0]);
    expect(edited).toHaveProperty('Budget (EUR)');
    expect(edited).not.toHaveProperty('Budget');
    expect(typeof edited?.Stage === 'number' || edited?.Stage === null).toBe(true);
    expect(second.docs.find((doc) => doc.id === rows[1])).toMatchObject({ in_trash: true });
    expect(second.docs.find((doc) => doc.id === rows[2])).toEqual({ id: rows[2], _meta: { op: 'd' } });
    // One widened schema: the old column stays, the new one is added, Stage takes both types.
    expect(second.schemas).toHaveLength(1);
    const schema = second.schemas[0] as { properties: Record<string, { anyOf?: unknown[] }> };
    expect(schema.properties).toHaveProperty('Budget');
    expect(schema.properties).toHaveProperty('Budget (EUR)');
    expect(schema.properties.Stage?.anyOf).toHaveLength(2);
    expectValid(schema, [...first.docs, ...second.docs]);
    expect(second.state.columns?.Stage).toEqual(['select', 'number']);
  });

  it('adds no request to the page sweeps of its capture: rows and their completion come from theirs', async () => {
    const { emulator, ctx, dataSourceId } = await setup();
    const sweep = async (withTyped: boolean) => {
      emulator.resetCounters();
      const hub = createCaptureHub({ clock: ctx.clock });
      const shared = { ...ctx, hub };
      const runs = [drain(runPageSweep(shared, initialPageSweepState(), pagesHandler(shared)))];
      const typed = createTypedRowsStream({ dataSourceId });
      const docs: StreamDocument[] = [];
      if (withTyped)
        runs.push(
          (async () => {
            for await (const event of typed.read(shared, typed.initialState(ctx.config)))
              if ('doc' in event) docs.push(event.doc);
          })(),
        );
      await Promise.all(runs);
      return {
        requests: emulator
          .requests()
          .map((r) => `${r.method} ${r.path}`)
          .sort(),
        docs,
      };
    };
    const alone = await sweep(false);
    const together = await sweep(true);
    expect(together.requests).toEqual(alone.requests);
    expect(alone.requests.some((r) => r.includes('/properties/'))).toBe(true);
    expect(together.docs.filter((doc) => !isDeletionDocument(doc))).toHaveLength(
      truthRows(emulator, dataSourceId).length,
    );
  });
});
