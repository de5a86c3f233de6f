import { Validator } from '@cfworker/json-schema';
import { isDeletionDocument, type StreamDocument } from '@source-notion/core';
import {
  createStreamTestContext,
  createTestResources,
  runStreamSweep,
  sweepWithCrashes,
  TestCollection,
} from '@source-notion/core/testing';
import { type Emulator, type EmulatorOptions, startTestEmulator } from '@source-notion/notion-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createPageMarkdownStream, type PageMarkdownState, pageMarkdownStream } from './index.js';

const START_DATE = '2000-01-01T00:00:00.000Z';
const HOUR = 3_600_000;
const validator = new Validator(pageMarkdownStream.documentSchema as never, '2020-12', false);
const scanning = { deletionScanIntervalMs: 0, scanBudgetShare: Number.POSITIVE_INFINITY };

const opened = createTestResources();
afterEach(() => opened.closeAll());

async function setup(
  seed: number,
  options: { emulator?: Partial<EmulatorOptions>; transcripts?: boolean } = {},
) {
  const { limits, ...emulatorOptions } = options.emulator ?? {};
  const emulator = opened.add(
    await startTestEmulator({
      workspace: { seed, size: 'tiny', now: Date.now() - 2 * HOUR },
      // Search leaves out pages at random, seeded by their edit minute (which follows the clock): a
      // stream without a CaptureHub cannot reach such a child page (the blocks stream finds it), so
      // these tests would depend on the minute they run in.
      limits: limits === false ? false : { searchOmitPageRate: 0, ...limits },
      ...emulatorOptions,
    }),
  );
  const ctx = opened.add(
    createStreamTestContext({
      baseUrl: emulator.url,
      token: emulator.token,
      config: { start_date: START_DATE, advanced: { include_transcripts: options.transcripts ?? false } },
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

/** Signed file URLs change on every read: compared without their signature. */
const unsigned = (markdown: string) =>
  markdown.replace(
    /X-Amz-Date=\d+T\d+Z(&amp;|&)X-Amz-Expires=3600(&amp;|&)X-Amz-Signature=[0-9a-f]+/g,
    'signed',
  );

/** The captured collection as {id, markdown}, and the ground truth's, sorted by id. */
function markdownOf(collection: TestCollection): { id: string; markdown: string }[] {
  return collection.sorted().map((d) => ({ id: String(d.id), markdown: unsigned(String(d.markdown)) }));
}
function truth(emu: Emulator): { id: string; markdown: string }[] {
  return emu
    .groundTruth()
    .page_markdown.map((p) => ({ id: p.id, markdown: unsigned(p.markdown) }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The Markdown requests made, split into pages and blocks (ids named by unknown_block_ids). */
function markdownRequests(emu: Emulator): { pages: string[]; blocks: string[] } {
  const ids = emu
    .requests()
    .filter((r) => r.route === 'pages.markdown' && r.status === 200)
    .map((r) => /\/v1\/pages\/([^/]+)\/markdown/.exec(r.path)?.[1] ?? '');
  const pages = ids.filter((id) => emu.workspace.pageById(id) !== undefined);
  return { pages, blocks: ids.filter((id) => !pages.includes(id)) };
}

describe('page_markdown stream', () => {
  it('backfills every page as its complete Markdown, one request per page and none for page objects', async () => {
    const { emulator: emu, ctx } = await setup(41);
    const result = await runStreamSweep(pageMarkdownStream, ctx, pageMarkdownStream.initialState(ctx.config));
    expectValid(result.docs);
    const collection = new TestCollection().apply(result.committedDocs);
    expect(markdownOf(collection)).toEqual(truth(emu));
    const gt = emu.groundTruth();
    const page = gt.pages.find((p) => !p.in_trash && p.parent.type === 'page_id')!;
    expect(collection.docs.get(page.id)).toMatchObject({
      id: page.id,
      url: page.url,
      parent: page.parent,
      last_edited_time: page.last_edited_time,
      markdown_version: 'v2',
    });
    expect(String(collection.docs.get(page.id)?.title)).not.toBe('');
    // One request per page, plus one per synced block whose original is not shared (it answers 404).
    const { pages, blocks } = markdownRequests(emu);
    expect(pages.length).toBe(gt.page_markdown.length);
    const refused = emu.requests().filter((r) => r.route === 'pages.markdown' && r.status === 404).length;
    expect(blocks.length).toBe(0);
    expect(emu.counters().byRoute['pages.markdown']).toBe(pages.length + refused);
    expect(emu.counters().byRoute['pages.get'] ?? 0).toBe(0);
    expect(emu.counters().byRoute['blocks.children'] ?? 0).toBe(0);
    // The flavor is asked for explicitly on every request.
    expect(
      emu
        .requests()
        .filter((r) => r.route === 'pages.markdown')
        .every((r) => r.path.includes('markdown_version=v2')),
    ).toBe(true);
  });

  it('completes truncated pages through unknown_block_ids, each unknown block fetched once per page', async () => {
    const { emulator: emu, ctx } = await setup(42, { emulator: { limits: { markdownRecordLimit: 6 } } });
    const result = await runStreamSweep(pageMarkdownStream, ctx, pageMarkdownStream.initialState(ctx.config));
    expectValid(result.docs);
    const collection = new TestCollection().apply(result.committedDocs);
    expect(markdownOf(collection)).toEqual(truth(emu));
    const { pages, blocks } = markdownRequests(emu);
    expect(pages.length).toBe(emu.groundTruth().page_markdown.length);
    expect(blocks.length).toBeGreaterThan(10);
    // Each unknown block once per page: only synced content (shown in several pages) repeats.
    const references = emu
      .groundTruth()
      .blocks.filter((b) => b.type === 'synced_block' && b.synced_block.synced_from);
    expect(blocks.length - new Set(blocks).size).toBeLessThanOrEqual(references.length);
    // Nothing was left unknown but the synced blocks whose originals are not shared (404).
    const left = [...collection.docs.values()].flatMap((d) => d.unknown_block_ids as string[]);
    for (const id of left) expect(emu.workspace.findBlock(id)?.node.type).toBe('synced_block');
    const failed = emu.requests().filter((r) => r.route === 'pages.markdown' && r.status === 404).length;
    expect(left.length).toBe(failed);
  });

  it('retries the Markdown endpoint through faults like every other', async () => {
    const { emulator: emu, ctx } = await setup(47, { emulator: { limits: { markdownRecordLimit: 8 } } });
    emu.injectFault('502html', { route: 'pages.markdown', count: 2 });
    emu.injectFault('reset', { route: 'pages.markdown', count: 1 });
    const result = await runStreamSweep(pageMarkdownStream, ctx, pageMarkdownStream.initialState(ctx.config));
    const collection = new TestCollection().apply(result.committedDocs);
    expect(markdownOf(collection)).toEqual(truth(emu));
    expect(emu.counters().faults).toMatchObject({ '502html': 2, reset: 1 });
  });

  it('re-reads only pages whose content changed, and deletes the Markdown of trashed and purged pages', async () => {
    const { emulator: emu, ctx } = await setup(43, { emulator: { limits: { markdownRecordLimit: 10 } } });
    const stream = createPageMarkdownStream(scanning);
    const backfill = await runStreamSweep(stream, ctx, stream.initialState(ctx.config));
    const collection = new TestCollection().apply(backfill.committedDocs);
    const gt = emu.groundTruth();
    const leaf = (id: string) => {
      const record = emu.workspace.pageById(id)!;
      return record.childPageIdxs.length === 0 && record.childDatabaseIdxs.length === 0;
    };
    const live = gt.pages.filter((p) => !p.in_trash && p.parent.type !== 'page_id' && leaf(p.id));
    const [edited, appended, trashed, purged] = live;
    const block = gt.blocks.find((b) => b.page_id === edited!.id && b.type === 'paragraph')!;
    emu.workspace.editBlock(block.id, { text: 'An edited paragraph' });
    emu.workspace.appendBlocks(appended!.id, 3);
    emu.workspace.trashPage(trashed!.id);
    emu.workspace.purgePage(purged!.id);

    emu.resetCounters();
    const sweep = await runStreamSweep(stream, ctx, backfill.state);
    expectValid(sweep.docs);
    collection.apply(sweep.committedDocs);
    expect(markdownOf(collection)).toEqual(truth(emu));
    expect(String(collection.docs.get(edited!.id)?.markdown)).toContain('An edited paragraph');
    const deleted = sweep.docs
      .filter(isDeletionDocument)
      .map((d) => d.id)
      .sort();
    expect(deleted).toEqual([trashed!.id, purged!.id].sort());
    expect(collection.docs.has(trashed!.id)).toBe(false);
    // The two edited pages' Markdown (and their unknown blocks); the scan's GETs of the trashed
    // and the purged page (search lists neither).
    const { pages, blocks } = markdownRequests(emu);
    expect(pages.sort()).toEqual([edited!.id, appended!.id].sort());
    // Pages longer than the record limit are completed again through their unknown blocks.
    expect(blocks.length).toBeGreaterThan(0);
    expect(emu.counters().byRoute['pages.get']).toBe(2);
  });

  it('re-reads a parent page when its child page changes (the child’s title shows in it)', async () => {
    const { emulator: emu, ctx } = await setup(44);
    const stream = createPageMarkdownStream();
    const backfill = await runStreamSweep(stream, ctx, stream.initialState(ctx.config));
    const collection = new TestCollection().apply(backfill.committedDocs);
    const gt = emu.groundTruth();
    const child = gt.pages.find(
      (p) =>
        !p.in_trash &&
        p.parent.type === 'page_id' &&
        emu.workspace.pageById(p.id)!.childPageIdxs.length === 0,
    )!;
    emu.workspace.editPage(child.id, { title: 'A renamed child page' });
    const sweep = await runStreamSweep(stream, ctx, backfill.state);
    collection.apply(sweep.committedDocs);
    expect(markdownOf(collection)).toEqual(truth(emu));
    const parentId = (child.parent as { page_id: string }).page_id;
    expect(String(collection.docs.get(parentId)?.markdown)).toContain('>A renamed child page</page>');
  });

  it('includes meeting-note transcripts only with advanced.include_transcripts', async () => {
    const { emulator: emu, ctx } = await setup(45, { transcripts: true });
    const result = await runStreamSweep(pageMarkdownStream, ctx, pageMarkdownStream.initialState(ctx.config));
    const notes = result.docs.filter((d) => String(d.markdown ?? '').includes('<meeting-notes'));
    expect(notes.length).toBeGreaterThan(0);
    for (const doc of notes) expect(String(doc.markdown)).toContain('<transcript>');
    expect(
      emu.requests().every((r) => r.route !== 'pages.markdown' || r.path.includes('include_transcript=true')),
    ).toBe(true);
  });

  it('ends with the same collection after crashes at random points as an uninterrupted run', async () => {
    const { emulator: emu, ctx } = await setup(46, { emulator: { limits: { markdownRecordLimit: 8 } } });
    const stream = createPageMarkdownStream(scanning);
    const crashed = await sweepWithCrashes<PageMarkdownState>(
      stream,
      ctx,
      stream.initialState(ctx.config),
      [3, 9, 1, 20],
    );
    expect(crashed.sweeps).toBeGreaterThan(2);
    expect(markdownOf(crashed.collection)).toEqual(truth(emu));
  });
});
