import { Validator } from '@cfworker/json-schema';
import {
  compactId,
  createCaptureHub,
  type DataSourceListings,
  initialPageSweepState,
  isDeletionDocument,
  PageLedger,
  type PageSweepView,
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
import { compareTopLevel } from './blocks-stream.js';
import { type BlocksState, blocksStream, createBlocksStream } from './index.js';

const START_DATE = '2000-01-01T00:00:00.000Z';
const HOUR = 3_600_000;
const validator = new Validator(blocksStream.documentSchema as never, '2020-12', false);

const opened = createTestResources();
afterEach(() => opened.closeAll());

async function setup(seed = 21, limits?: { searchOmitPageRate: number }) {
  const emulator = opened.add(
    await startTestEmulator({
      workspace: { seed, size: 'tiny', now: Date.now() - 2 * HOUR },
      ...(limits ? { limits } : {}),
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

const byId = (a: StreamDocument, b: StreamDocument) => (String(a.id) < String(b.id) ? -1 : 1);
const truth = (emu: Emulator) =>
  withoutVolatile([...emu.groundTruth().blocks].sort(byId)) as unknown as StreamDocument[];

/** Page ids whose top-level children were listed (a page's tree walk starts there). */
function walkedPages(emu: Emulator, pageIds: Set<string>): string[] {
  const walked = new Set<string>();
  for (const entry of emu.requests()) {
    const match = /^\/v1\/blocks\/([^/?]+)\/children(?:\?(.*))?$/.exec(entry.path);
    if (match && pageIds.has(match[1]!) && !/start_cursor=/.test(match[2] ?? '')) walked.add(match[1]!);
  }
  return [...walked].sort();
}

describe('blocks stream', () => {
  it('backfills every page’s whole tree, depth 40 included, at the floor of one listing per parent', async () => {
    const { emulator: emu, ctx } = await setup();
    const result = await runStreamSweep(blocksStream, ctx, blocksStream.initialState(ctx.config));
    expect(result.completed).toBe(true);
    expectValid(result.docs);
    const collection = new TestCollection().apply(result.committedDocs);
    expect(withoutVolatile(collection.sorted())).toEqual(truth(emu));
    expect(Math.max(...collection.sorted().map((doc) => doc.depth as number))).toBeGreaterThanOrEqual(40);

    const summary = emu.groundTruthSummary();
    expect(emu.counters().byRoute['blocks.children']).toBe(
      summary.pages - summary.trashed_pages + summary.blocks_to_descend,
    );
    // About 22 bytes of state per block.
    const packed = Object.values(result.state.pages).reduce((n, entry) => n + (entry.k?.length ?? 0), 0);
    expect(packed / collection.size).toBeLessThan(22);
  });

  it('reports the databases it meets as child_database blocks to the capture’s data source listings', async () => {
    const { emulator: emu, ctx } = await setup(22);
    const expected = emu
      .groundTruth()
      .blocks.filter((b) => b.type === 'child_database')
      .map((b) => String(b.id));
    expect(expected.length).toBeGreaterThan(0);
    const hub = createCaptureHub({ clock: ctx.clock });
    const reported: string[] = [];
    const listings: DataSourceListings = {
      ...hub.dataSourceListings,
      reportDatabases: (_notion, ids) => void reported.push(...ids),
    };
    await runStreamSweep(
      blocksStream,
      { ...ctx, hub: { ...hub, dataSourceListings: listings } },
      initialPageSweepState(),
    );
    expect(reported.sort()).toEqual(expected.sort());
  });

  it('walks standalone child pages that search omits, found through child_page blocks', async () => {
    const { emulator: emu, ctx } = await setup(22);
    const hidden = emu
      .groundTruth()
      .pages.filter((p) => p.parent.type === 'page_id')
      .map((p) => p.id);
    expect(hidden.length).toBeGreaterThan(0);
    for (const id of hidden) emu.workspace.hideFromSearch(id);
    const hub = createCaptureHub({ clock: ctx.clock });
    const result = await runStreamSweep(blocksStream, { ...ctx, hub }, blocksStream.initialState(ctx.config));
    // Published for the pages and comments streams, which nothing else tells of them.
    expect(
      hub.foundPages
        .list()
        .map((p) => p.id)
        .sort(),
    ).toEqual([...hidden].sort());
    const collection = new TestCollection().apply(result.committedDocs);
    expect(withoutVolatile(collection.sorted())).toEqual(truth(emu));
    const walked = new Set(collection.sorted().map((doc) => doc.page_id));
    for (const id of hidden) {
      if (emu.groundTruth().blocks.some((b) => b.page_id === id)) expect(walked.has(id)).toBe(true);
    }
  });

  it('re-reads only changed pages and emits deletions for blocks that disappeared', async () => {
    const { emulator: emu, ctx } = await setup(23);
    const stream = createBlocksStream({
      deletionScanIntervalMs: 0,
      scanBudgetShare: Number.POSITIVE_INFINITY,
    });
    const backfill = await runStreamSweep(stream, ctx, stream.initialState(ctx.config));
    const collection = new TestCollection().apply(backfill.committedDocs);
    const before = emu.groundTruth();
    const pageIds = new Set(before.pages.map((p) => p.id));

    const leafChildPages = before.pages.filter((p) => {
      const record = emu.workspace.pageById(p.id)!;
      return (
        p.parent.type === 'page_id' &&
        record.childPageIdxs.length === 0 &&
        record.childDatabaseIdxs.length === 0
      );
    });
    const trashed = leafChildPages[0]!;
    const purged = leafChildPages.find(
      (p) => (p.parent as { page_id: string }).page_id !== (trashed.parent as { page_id: string }).page_id,
    )!;
    const withBlocks = before.pages
      .filter((p) => p.id !== trashed.id && p.id !== purged.id)
      .filter((p) => before.blocks.filter((b) => b.page_id === p.id && b.type === 'paragraph').length >= 2);
    const [editedPage, appendedPage, deletedFrom, moveFrom, moveTo] = withBlocks.map((p) => p.id);
    const paragraphOf = (pageId: string) =>
      before.blocks.find((b) => b.page_id === pageId && b.type === 'paragraph')!.id;
    emu.workspace.editBlock(paragraphOf(editedPage!), { text: 'edited' });
    emu.workspace.appendBlocks(appendedPage!, 2);
    const deletedBlock = before.blocks.find(
      (b) =>
        b.page_id === deletedFrom && b.depth === 1 && b.type !== 'child_page' && b.type !== 'child_database',
    )!.id;
    emu.workspace.deleteBlock(deletedBlock);
    emu.workspace.moveBlock(paragraphOf(moveFrom!), moveTo!);
    emu.workspace.trashPage(trashed.id);
    emu.workspace.purgePage(purged.id);

    emu.resetCounters();
    const sweep = await runStreamSweep(stream, ctx, backfill.state);
    expectValid(sweep.docs);
    collection.apply(sweep.committedDocs);
    const after = truth(emu);
    expect(withoutVolatile(collection.sorted())).toEqual(after);

    // Exactly the blocks that disappeared are deleted (a moved block is not).
    const afterIds = new Set(after.map((b) => b.id));
    const disappeared = before.blocks
      .filter((b) => !afterIds.has(b.id))
      .map((b) => b.id)
      .sort();
    expect(
      sweep.docs
        .filter(isDeletionDocument)
        .map((d) => d.id)
        .sort(),
    ).toEqual(disappeared);
    expect(disappeared).toContain(deletedBlock);

    // Only changed pages were walked, and the parents of changed child pages: a parent's child_page
    // block shows the child's edit time and vanishes with it, while the parent's own time stays.
    const parentOf = (id: string) => {
      const parent = before.pages.find((p) => p.id === id)!.parent as { type: string; page_id?: string };
      return parent.type === 'page_id' ? [parent.page_id!] : [];
    };
    const changed = [editedPage!, appendedPage!, deletedFrom!, moveFrom!, moveTo!];
    const expected = [
      ...changed,
      ...changed.flatMap(parentOf),
      ...parentOf(trashed.id),
      ...parentOf(purged.id),
    ];
    expect(walkedPages(emu, pageIds)).toEqual([...new Set(expected)].sort());
    const rewalked = new Set(sweep.docs.filter((d) => !isDeletionDocument(d)).map((d) => d.page_id));
    expect([...rewalked].sort()).toEqual([...new Set(expected)].sort());
    // The scan fetched the two pages the enumeration no longer lists.
    expect(emu.counters().byRoute['pages.get']).toBe(2);

    // Restoring the trashed page brings its blocks (and its child_page block) back.
    emu.workspace.restorePage(trashed.id);
    const restored = await runStreamSweep(createBlocksStream(), ctx, sweep.state);
    collection.apply(restored.committedDocs);
    expect(withoutVolatile(collection.sorted())).toEqual(truth(emu));
  });

  it('re-reads only the top level of a parent whose child page changed (edited, trashed, purged, restored)', async () => {
    const { emulator: emu, ctx } = await setup(26);
    const stream = createBlocksStream({
      deletionScanIntervalMs: 0,
      scanBudgetShare: Number.POSITIVE_INFINITY,
    });
    const backfill = await runStreamSweep(stream, ctx, stream.initialState(ctx.config));
    const collection = new TestCollection().apply(backfill.committedDocs);
    const before = emu.groundTruth();
    const parentOf = (id: string) =>
      (before.pages.find((p) => p.id === id)!.parent as { page_id?: string }).page_id;
    // Child pages without child pages of their own, under parents whose trees go deeper than one level.
    const deepParents = new Set(before.blocks.filter((b) => b.depth === 2).map((b) => b.page_id as string));
    const children = before.pages
      .filter((p) => p.parent.type === 'page_id' && !p.in_trash)
      .filter((p) => emu.workspace.pageById(p.id)!.childPageIdxs.length === 0)
      .filter((p) => deepParents.has(parentOf(p.id)!));
    const [edited, trashed, purged] = [children[0]!, children[1]!, children[2]!].map((p) => p.id);
    expect(new Set([edited, trashed, purged]).size).toBe(3);
    // The child_page block shows the child's edit time; the parent's own time stays. (No rename: a
    // title shows in mentions inside other pages too, which no incremental reader can see.)
    emu.workspace.editPage(edited!);
    emu.workspace.trashPage(trashed!);
    emu.workspace.purgePage(purged!);

    const parents = new Set([edited, trashed, purged].map((id) => parentOf(id!)!));
    const pageIds = new Set(before.pages.map((p) => p.id));
    // The page whose tree a listing is part of (a child_page block's id is its own page's).
    const blockPage = new Map(
      before.blocks.filter((b) => !pageIds.has(b.id)).map((b) => [b.id, b.page_id as string]),
    );
    /** Listings of block children made in the trees of `pages` since the counters were reset. */
    const treeListings = (pages: Set<string>) =>
      emu
        .requests()
        .map((r) => /^\/v1\/blocks\/([^/?]+)\/children/.exec(r.path))
        .filter((m) => m !== null && (pages.has(m[1]!) || pages.has(blockPage.get(m[1]!) ?? '')))
        .map((m) => m![1])
        .sort();
    emu.resetCounters();
    const sweep = await runStreamSweep(stream, ctx, backfill.state);
    collection.apply(sweep.committedDocs);
    expect(withoutVolatile(collection.sorted())).toEqual(truth(emu));
    const childBlock = collection.docs.get(edited!)!;
    expect(childBlock.last_edited_time).not.toBe(
      before.blocks.find((b) => b.id === edited)!.last_edited_time,
    );
    // Deleted: the trashed and purged pages' trees, and their child_page blocks.
    const deleted = sweep.docs.filter(isDeletionDocument).map((d) => d.id);
    expect(deleted).toEqual(expect.arrayContaining([trashed, purged]));
    const afterIds = new Set(emu.groundTruth().blocks.map((b) => b.id));
    expect(deleted.sort()).toEqual(
      before.blocks
        .filter((b) => !afterIds.has(b.id))
        .map((b) => b.id)
        .sort(),
    );
    // One listing per parent: its top level, where the child_page blocks are.
    expect(treeListings(parents)).toEqual([...parents].sort());

    // Restored: its child_page block comes back, again from one top-level listing.
    emu.workspace.restorePage(trashed!);
    emu.resetCounters();
    const restored = await runStreamSweep(stream, ctx, sweep.state);
    collection.apply(restored.committedDocs);
    expect(withoutVolatile(collection.sorted())).toEqual(truth(emu));
    expect(collection.docs.has(trashed!)).toBe(true);
    expect(treeListings(new Set([parentOf(trashed!)!]))).toEqual([parentOf(trashed!)]);
  });

  it('ends with the same collection after crashes at random points as an uninterrupted run', async () => {
    // Search's random omission follows the edit minute, so with it on the outcome would depend on
    // the minute the test runs in (a failure was seen once in CI with it on).
    const { emulator: emu, ctx } = await setup(24, { searchOmitPageRate: 0 });
    const stream = createBlocksStream({
      deletionScanIntervalMs: 0,
      scanBudgetShare: Number.POSITIVE_INFINITY,
      concurrency: 4,
    });
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const stops = Array.from({ length: 8 }, () => 1 + Math.floor(random() * 300));
    const crashed = await sweepWithCrashes<BlocksState>(stream, ctx, stream.initialState(ctx.config), stops);
    expect(crashed.sweeps).toBeGreaterThan(2);
    expect(withoutVolatile(crashed.collection.sorted())).toEqual(truth(emu));
    // Each crash redoes at most the pages in flight (4 here): never the workspace.
    const pageIds = new Set(emu.groundTruth().pages.map((p) => p.id));
    const rootWalks = emu.requests().filter((r) => {
      const match = /^\/v1\/blocks\/([^/?]+)\/children/.exec(r.path);
      return match !== null && pageIds.has(match[1]!) && !r.path.includes('start_cursor');
    }).length;
    expect(rootWalks).toBeLessThanOrEqual(pageIds.size + (crashed.sweeps - 1) * 4);

    const pages = emu
      .groundTruth()
      .pages.filter((p) => emu.groundTruth().blocks.some((b) => b.page_id === p.id));
    for (const page of pages.slice(0, 8)) emu.workspace.appendBlocks(page.id, 1);
    const block = emu.groundTruth().blocks.find((b) => b.depth === 1 && b.page_id === pages[9]!.id)!;
    emu.workspace.deleteBlock(block.id);
    const again = await sweepWithCrashes(stream, ctx, crashed.state, [5, 17, 3], crashed.collection);
    expect(withoutVolatile(again.collection.sorted())).toEqual(truth(emu));
  });

  it('does not delete a block that moved to a page walked in an earlier sweep', async () => {
    const { emulator: emu, ctx } = await setup(25);
    const stream = createBlocksStream({ deletionScanIntervalMs: HOUR });
    const backfill = await runStreamSweep(stream, ctx, stream.initialState(ctx.config));
    const collection = new TestCollection().apply(backfill.committedDocs);
    const before = emu.groundTruth();
    const [from, to] = before.pages
      .filter((p) => p.parent.type !== 'page_id' && !p.in_trash)
      .filter((p) =>
        before.blocks.some((b) => b.page_id === p.id && b.type === 'paragraph' && b.depth === 1),
      );
    const moved = before.blocks.find(
      (b) => b.page_id === from!.id && b.type === 'paragraph' && b.depth === 1,
    )!.id;
    emu.workspace.moveBlock(moved, to!.id);
    const minutes = (id: string) =>
      Math.floor(
        Date.parse(emu.groundTruth().pages.find((p) => p.id === id)!.last_edited_time as string) / 60_000,
      );

    // Sweep N: the destination is walked, the source is not listed yet (search lag: its state
    // says it was processed at its new time).
    const lagging = structuredClone(backfill.state);
    const fromKey = compactId(from!.id);
    lagging.pages[fromKey] = { ...lagging.pages[fromKey]!, t: minutes(from!.id) };
    delete lagging.pages[fromKey]!.u;
    const first = await runStreamSweep(stream, ctx, lagging);
    collection.apply(first.committedDocs);
    expect(first.docs.some((d) => d.id === moved && d.page_id === to!.id)).toBe(true);

    // Sweep N+1: the source is re-read; the block is gone from it but not from the capture.
    const second = await runStreamSweep(stream, ctx, {
      ...first.state,
      pages: { ...first.state.pages, [fromKey]: backfill.state.pages[fromKey]! },
    });
    expect(second.docs.some((d) => d.page_id === from!.id)).toBe(true);
    expect(second.docs.filter((d) => d.id === moved && isDeletionDocument(d))).toEqual([]);
    collection.apply(second.committedDocs);
    expect(withoutVolatile(collection.sorted())).toEqual(truth(emu));
  });
});

describe('compareTopLevel', () => {
  const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const parent = uuid(1);
  /** A view of pages processed at minute 1, each under `parent` (a page id) when given. */
  const viewOf = (pages: Record<string, { parent?: string; trashed?: boolean }>): PageSweepView => {
    const ledger = new PageLedger(initialPageSweepState());
    for (const [id, page] of Object.entries(pages)) {
      ledger.setProcessed(compactId(id), {
        lastEditedMinute: 1,
        unsettled: false,
        trashed: page.trashed === true,
        capturedIds: undefined,
        parentPageId: page.parent,
        hiddenChild: false,
      });
    }
    return ledger;
  };
  const here = { parent };
  const top = (blockIds: string[], childPages: string[] = []) => ({
    blockIds,
    childPages: childPages.map((id) => ({ id, lastEditedTime: undefined })),
    childDatabases: [],
    skippedSubtrees: 0,
    requests: 1,
  });
  // Captured before: a paragraph (10) with a child (11), child pages 20–24.
  const prior = [uuid(10), uuid(11), uuid(20), uuid(21), uuid(22), uuid(23), uuid(24)];

  it('deletes the child_page blocks of children the state knows are trashed, gone or moved', () => {
    const view = viewOf({
      [uuid(20)]: here,
      [uuid(21)]: { ...here, trashed: true },
      [uuid(23)]: { parent: uuid(99) },
      [uuid(24)]: {}, // nested in a block of the parent: not on the top level
    });
    const result = compareTopLevel(view, parent, prior, top([uuid(10), uuid(20)], [uuid(20)]), [uuid(22)]);
    // 11 is deeper; 22 was forgotten this sweep (404); 24 has no page parent: left alone.
    expect(result).toEqual({ deleted: [uuid(21), uuid(22), uuid(23)], unsure: false });
  });

  it('takes a child page back that reappears (restored)', () => {
    const view = viewOf({ [uuid(30)]: here });
    const result = compareTopLevel(view, parent, prior.slice(0, 2), top([uuid(10), uuid(30)], [uuid(30)]), [
      uuid(30),
    ]);
    expect(result).toEqual({ deleted: [], unsure: false });
  });

  it('is unsure when the top level changed beyond child pages', () => {
    const view = viewOf({ [uuid(20)]: here });
    // A new paragraph: the parent itself was edited.
    expect(
      compareTopLevel(view, parent, prior, top([uuid(10), uuid(12), uuid(20)], [uuid(20)]), []).unsure,
    ).toBe(true);
    // A child page the state places here is missing: trashed or gone since, or moved into a block.
    expect(compareTopLevel(view, parent, prior, top([uuid(10)]), []).unsure).toBe(true);
  });
});
