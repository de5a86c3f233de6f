import { Validator } from '@cfworker/json-schema';
import type { StreamDocument } from '@source-notion/core';
import { createCaptureHub, isDeletionDocument } from '@source-notion/core';
import {
  createOffsetClock,
  createStreamTestContext,
  createTestResources,
  runStreamSweep,
  sweepWithCrashes,
  TestCollection,
} from '@source-notion/core/testing';
import { type Emulator, type EmulatorOptions, startTestEmulator } from '@source-notion/notion-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { type CommentsState, commentsStream, createCommentsStream } from './index.js';

const START_DATE = '2000-01-01T00:00:00.000Z';
const HOUR = 3_600_000;
const validator = new Validator(commentsStream.documentSchema as never, '2020-12', false);

const opened = createTestResources();
afterEach(() => opened.closeAll());

async function setup(
  seed = 31,
  options: { inline?: boolean; emulator?: Partial<EmulatorOptions>; clock?: 'emulator' } = {},
) {
  const emulator = opened.add(
    await startTestEmulator({
      workspace: { seed, size: 'tiny', now: Date.now() - 2 * HOUR },
      // Search leaves out pages at random, seeded by their edit minute (which follows the clock):
      // a stream without a CaptureHub cannot reach such a child page (the blocks stream finds it),
      // so these tests would depend on the minute they run in. Reliability tests cover it.
      limits: { searchOmitPageRate: 0 },
      ...options.emulator,
    }),
  );
  const ctx = opened.add(
    createStreamTestContext({
      baseUrl: emulator.url,
      token: emulator.token,
      config: { start_date: START_DATE, advanced: { inline_comments: options.inline ?? false } },
      ...(options.clock === 'emulator' ? { clock: createOffsetClock(() => emulator.now()) } : {}),
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
function truth(emu: Emulator, inline = false): StreamDocument[] {
  const gt = emu.groundTruth();
  return [...gt.comments, ...(inline ? gt.inline_comments : [])].sort(byId) as unknown as StreamDocument[];
}

describe('comments stream', () => {
  it('backfills the unresolved comments of every page, one request per page', async () => {
    const { emulator: emu, ctx } = await setup();
    const result = await runStreamSweep(commentsStream, ctx, commentsStream.initialState(ctx.config));
    expectValid(result.docs);
    const collection = new TestCollection().apply(result.committedDocs);
    expect(collection.sorted()).toEqual(truth(emu));
    expect(collection.size).toBeGreaterThan(0);
    const summary = emu.groundTruthSummary();
    expect(emu.counters().byRoute['comments.list']).toBe(summary.pages - summary.trashed_pages);
    expect(emu.counters().byRoute['blocks.children'] ?? 0).toBe(0);
  });

  it('captures inline comments on blocks when asked, at one request per block', async () => {
    const { emulator: emu, ctx } = await setup(32, { inline: true });
    const result = await runStreamSweep(commentsStream, ctx, commentsStream.initialState(ctx.config));
    expectValid(result.docs);
    const collection = new TestCollection().apply(result.committedDocs);
    expect(emu.groundTruth().inline_comments.length).toBeGreaterThan(0);
    expect(collection.sorted()).toEqual(truth(emu, true));
    const summary = emu.groundTruthSummary();
    // One listing per page and per block, but not for child_page blocks (their comments are the child page's).
    const childPageBlocks = emu.groundTruth().blocks.filter((b) => b.type === 'child_page').length;
    expect(emu.counters().byRoute['comments.list']).toBe(
      summary.pages - summary.trashed_pages + summary.blocks - childPageBlocks,
    );
  });

  it('captures comments of data source rows that search omits', async () => {
    const { emulator: emu, ctx } = await setup(33);
    const rows = emu.groundTruth().comments.map((c) => c.page_id);
    const row = emu
      .groundTruth()
      .pages.find((p) => p.parent.type === 'data_source_id' && rows.includes(p.id));
    expect(row).toBeDefined();
    emu.workspace.hideFromSearch(row!.id);
    const result = await runStreamSweep(commentsStream, ctx, commentsStream.initialState(ctx.config));
    const collection = new TestCollection().apply(result.committedDocs);
    expect(collection.sorted()).toEqual(truth(emu));
    expect(collection.sorted().some((c) => c.page_id === row!.id)).toBe(true);
  });

  it('re-reads only changed pages: resolved comments become deletions, new ones appear', async () => {
    const { emulator: emu, ctx } = await setup(34);
    const stream = createCommentsStream({
      deletionScanIntervalMs: 0,
      scanBudgetShare: Number.POSITIVE_INFINITY,
    });
    const backfill = await runStreamSweep(stream, ctx, stream.initialState(ctx.config));
    const collection = new TestCollection().apply(backfill.committedDocs);
    const before = emu.groundTruth();

    const resolved = before.comments[0]!;
    const onOtherPage = before.comments.find((c) => c.page_id !== resolved.page_id)!;
    const purgedPage = before.pages.find((p) => {
      const record = emu.workspace.pageById(p.id)!;
      return (
        p.id !== resolved.page_id &&
        record.childPageIdxs.length === 0 &&
        record.childDatabaseIdxs.length === 0 &&
        before.comments.some((c) => c.page_id === p.id) &&
        p.id !== onOtherPage.page_id
      );
    })!;
    emu.workspace.resolveComment(resolved.id);
    const added = emu.workspace.addComment(onOtherPage.page_id, { text: 'a new comment' });
    // Comments do not move a page's last_edited_time: these pages are also edited.
    emu.workspace.editPage(resolved.page_id);
    emu.workspace.editPage(onOtherPage.page_id);
    emu.workspace.purgePage(purgedPage.id);

    emu.resetCounters();
    const sweep = await runStreamSweep(stream, ctx, backfill.state);
    expectValid(sweep.docs);
    collection.apply(sweep.committedDocs);
    expect(collection.sorted()).toEqual(truth(emu));
    const deleted = sweep.docs
      .filter(isDeletionDocument)
      .map((d) => d.id)
      .sort();
    const purgedComments = before.comments.filter((c) => c.page_id === purgedPage.id).map((c) => c.id);
    const resolvedDiscussion = before.comments
      .filter((c) => c.discussion_id === resolved.discussion_id)
      .map((c) => c.id);
    expect(deleted).toEqual([...new Set([...resolvedDiscussion, ...purgedComments])].sort());
    expect(sweep.docs.some((d) => d.id === added)).toBe(true);
    // Two changed pages listed; the purged one answered the scan's GET with 404.
    expect(emu.counters().byRoute['comments.list']).toBe(2);
    expect(emu.counters().byRoute['pages.get']).toBe(1);
  });

  it('says the integration lacks "Read comments" on 403', async () => {
    const { ctx } = await setup(35, {
      emulator: { tokens: [{ token: 'ntn_emulator_no_comments', readComments: false }] },
    });
    const noComments = createStreamTestContext({
      baseUrl: ctx.notion.baseUrl,
      token: 'ntn_emulator_no_comments',
      config: { start_date: START_DATE },
    });
    try {
      await expect(
        runStreamSweep(commentsStream, noComments, commentsStream.initialState(noComments.config)),
      ).rejects.toThrow(/lacks the "Read comments" capability/);
    } finally {
      await noComments.close();
    }
  });

  it('ends with the same collection after crashes at random points as an uninterrupted run', async () => {
    const { emulator: emu, ctx } = await setup(36);
    const stream = createCommentsStream({
      deletionScanIntervalMs: 0,
      scanBudgetShare: Number.POSITIVE_INFINITY,
    });
    const crashed = await sweepWithCrashes<CommentsState>(
      stream,
      ctx,
      stream.initialState(ctx.config),
      [3, 9, 1, 20, 7],
    );
    expect(crashed.sweeps).toBeGreaterThan(2);
    expect(crashed.collection.sorted()).toEqual(truth(emu));
    const gt = emu.groundTruth();
    for (const comment of gt.comments.slice(0, 4)) {
      emu.workspace.resolveComment(comment.id);
      emu.workspace.editPage(comment.page_id);
    }
    const again = await sweepWithCrashes(stream, ctx, crashed.state, [2, 1, 4], crashed.collection);
    expect(again.collection.sorted()).toEqual(truth(emu));
  });

  it('lists every page’s comments again once a day: comments added or resolved on unedited pages are captured', async () => {
    const { emulator: emu, ctx } = await setup(37, { clock: 'emulator' });
    const clock = ctx.clock as ReturnType<typeof createOffsetClock>;
    const stream = createCommentsStream({
      deletionScanIntervalMs: 0,
      scanBudgetShare: Number.POSITIVE_INFINITY,
    });
    const backfill = await runStreamSweep(stream, ctx, stream.initialState(ctx.config));
    const collection = new TestCollection().apply(backfill.committedDocs);
    const before = emu.groundTruth();
    const resolved = before.comments[0]!;
    const quietPage = before.pages.find(
      (p) => !before.comments.some((c) => c.page_id === p.id) && !p.in_trash,
    )!;
    emu.workspace.resolveComment(resolved.id);
    const added = emu.workspace.addComment(quietPage.id, { text: 'a comment on an unedited page' });

    // Within the day: nothing moved, so nothing is re-read.
    emu.resetCounters();
    const sameDay = await runStreamSweep(stream, ctx, backfill.state);
    collection.apply(sameDay.committedDocs);
    expect(emu.counters().byRoute['comments.list'] ?? 0).toBe(0);
    expect(collection.docs.has(added)).toBe(false);

    // A day later: one listing per known live page.
    clock.offsetMs += 25 * HOUR;
    emu.resetCounters();
    const refreshed = await runStreamSweep(stream, ctx, sameDay.state);
    expectValid(refreshed.docs);
    collection.apply(refreshed.committedDocs);
    expect(collection.sorted()).toEqual(truth(emu));
    expect(collection.docs.has(added)).toBe(true);
    expect(collection.docs.has(resolved.id)).toBe(false);
    const summary = emu.groundTruthSummary();
    expect(emu.counters().byRoute['comments.list']).toBe(summary.pages - summary.trashed_pages);
    expect(refreshed.state.refreshedAt).toBeGreaterThanOrEqual(backfill.state.refreshedAt! + 25 * HOUR);

    // And not again until the next day.
    emu.resetCounters();
    await runStreamSweep(stream, ctx, refreshed.state);
    expect(emu.counters().byRoute['comments.list'] ?? 0).toBe(0);
  });

  it('captures the comments of a standalone page search omits when a CaptureHub shares what the blocks stream found', async () => {
    const { emulator: emu, ctx } = await setup(38);
    const gt = emu.groundTruth();
    const child = gt.pages.find(
      (p) =>
        p.parent.type === 'page_id' &&
        gt.comments.some((c) => c.page_id === p.id) &&
        // A leaf: a listed child page of it would lead to it (its parent, climbed to).
        emu.workspace.pageById(p.id)!.childPageIdxs.length === 0,
    )!;
    expect(child).toBeDefined();
    emu.workspace.hideFromSearch(child.id);

    const alone = await runStreamSweep(commentsStream, ctx, commentsStream.initialState(ctx.config));
    expect(alone.docs.some((d) => d.page_id === child.id)).toBe(false);

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
    const shared = await runStreamSweep(commentsStream, { ...ctx, hub }, alone.state);
    const collection = new TestCollection().apply(alone.committedDocs).apply(shared.committedDocs);
    expect(collection.sorted()).toEqual(truth(emu));
    expect(shared.docs.some((d) => d.page_id === child.id)).toBe(true);
  });
});
