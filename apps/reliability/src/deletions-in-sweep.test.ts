// Pages found and deleted in the same sweep, through the trees that hold them: a page reachable
// only through a child_page block reaches pages, blocks and comments in ONE backfill session; a
// child page trashed or purged is seen through its parent's re-read tree and emitted by every page
// stream in the next session's first sweep, long before the hourly deletion scan; a child page
// moved under another page follows in the next sweep even when search leaves it out.
import type { ConnectorLog } from '@source-notion/connector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafChildPages } from './child-page-cases.js';
import {
  collectionDocs,
  describeDiff,
  diffCollections,
  expectedCollections,
  newCollections,
  reduceInto,
} from './collections.js';
import { connectorEnv, endpointConfig, openRequest } from './protocol-requests.js';
import { runSession, type SessionResult } from './run-session.js';
import { type Suite, startSuite } from './suite.js';

const PAGE_STREAMS = ['pages', 'blocks', 'comments'] as const;
let suite: Suite;

beforeAll(async () => {
  suite = await startSuite({ seed: 41, workspace: { pages: 80 } });
}, 60_000);

afterAll(() => suite?.close());

const session = (state: unknown) =>
  runSession({
    bundle: suite.bundle,
    env: connectorEnv(suite.emulator.url),
    open: openRequest({ config: endpointConfig(suite.canary), state, streams: PAGE_STREAMS }),
  });

function expectComplete(...sessions: SessionResult[]): void {
  const all = newCollections();
  for (const s of sessions) {
    expect(s.exit.code).toBe(0);
    reduceInto(all, s.committed, PAGE_STREAMS);
  }
  const diff = diffCollections(collectionDocs(all), expectedCollections(suite.emulator), [...PAGE_STREAMS]);
  expect(describeDiff(diff)).toBe('');
}

const sweepsDone = (s: SessionResult): ConnectorLog[] =>
  s.logs.filter((log) => log.msg === 'page sweep done');

describe('deletions and found pages in the same sweep', () => {
  it('captures a page reachable only through a child_page block in pages, blocks and comments in one backfill', {
    timeout: 60_000,
  }, async () => {
    const [hidden] = leafChildPages(suite.emulator);
    expect(hidden).toBeDefined();
    suite.emulator.workspace.hideFromSearch(hidden!.id);
    const backfill = await session({});
    expect(backfill.sweeps.size).toBe(PAGE_STREAMS.length);
    expectComplete(backfill);
    const [pages, blocks] = backfill.committed;
    expect(pages!.some((doc) => doc.id === hidden!.id)).toBe(true);
    expect(blocks!.some((doc) => doc.page_id === hidden!.id)).toBe(true);
  });

  it('follows a child page moved under another page (and left out of search) in the next sweep of every page stream', {
    timeout: 90_000,
  }, async () => {
    const backfill = await session({});
    expectComplete(backfill);
    const cases = leafChildPages(suite.emulator);
    const moved = cases[3]!;
    const target = cases.find((c) => c.parentId !== moved.parentId && c.id !== moved.id)!;
    expect(target).toBeDefined();
    const ws = suite.emulator.workspace;
    ws.movePage(moved.id, target.id);
    ws.hideFromSearch(moved.id);

    const next = await session(backfill.state);
    expectComplete(backfill, next);
    const [pages, blocks] = next.committed;
    const doc = pages!.find((d) => d.id === moved.id);
    expect(doc?.parent).toMatchObject({ type: 'page_id', page_id: target.id });
    // The child_page block left the old parent's tree (a deletion) and joined the new one's (after it).
    expect(blocks!.filter((d) => d.id === moved.id).at(-1)).toMatchObject({ page_id: target.id });
  });

  it('emits a child page trashed or purged, seen through its parent’s re-read tree, in the next sweep of every page stream', {
    timeout: 90_000,
  }, async () => {
    const backfill = await session({});
    expectComplete(backfill);
    const [trashed, purged] = leafChildPages(suite.emulator).slice(1);
    expect(trashed).toBeDefined();
    expect(purged).toBeDefined();
    const truthBefore = expectedCollections(suite.emulator);
    const held = (id: string) => truthBefore.blocks.some((block) => block.page_id === id);
    expect(held(trashed!.id) && held(purged!.id)).toBe(true);

    // The parents are edited (their trees are re-read); the children leave them.
    const ws = suite.emulator.workspace;
    ws.trashPage(trashed!.id);
    ws.purgePage(purged!.id);
    for (const parent of new Set([trashed!.parentId, purged!.parentId])) ws.editPage(parent);

    const next = await session(backfill.state);
    expectComplete(backfill, next);
    // Not the deletion scan: none is due an hour after the backfill.
    expect(sweepsDone(next).map((log) => log.fields?.scan)).toEqual([false, false, false]);
    const [pages, blocks, comments] = next.committed;
    expect(pages!.find((doc) => doc.id === trashed!.id)?.in_trash).toBe(true);
    expect(pages!).toContainEqual({ id: purged!.id, _meta: { op: 'd' } });
    const deleted = (docs: Record<string, unknown>[]) =>
      new Set(
        docs.filter((doc) => (doc._meta as { op?: string } | undefined)?.op === 'd').map((doc) => doc.id),
      );
    const blockDeletions = deleted(blocks!);
    for (const page of [trashed!, purged!]) {
      for (const block of truthBefore.blocks.filter((b) => b.page_id === page.id))
        expect(blockDeletions.has(block.id)).toBe(true);
      const commentDeletions = deleted(comments!);
      for (const comment of truthBefore.comments.filter((c) => c.page_id === page.id))
        expect(commentDeletions.has(comment.id)).toBe(true);
    }
  });
});
