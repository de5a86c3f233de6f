import { describe, expect, it } from 'vitest';
import {
  fakeWorkspace,
  id,
  iso,
  MINUTE,
  manualClock,
  recordingHandler,
  sweepPages as sweep,
  T0,
} from '../testing/fake-page-workspace.js';
import { createCaptureHub } from './capture-hub.js';
import { initialPageSweepState, readPageRecord } from './page-state.js';
import type { PageOutcome, PageSweepHandler } from './sweep-handler.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const NO_SCAN = { deletionScanIntervalMs: 1e12 };

/** A "blocks" handler: slow, meets child pages (and vanished ones) in the trees it walks. */
function walker(trees: Record<string, Partial<PageOutcome>>): PageSweepHandler & { processed: string[] } {
  const processed: string[] = [];
  return {
    processed,
    async process(item) {
      for (let i = 0; i < 5; i++) await tick();
      processed.push(item.id);
      return { docs: [{ id: item.id }], record: {}, ...trees[item.id] };
    },
    gone: (pageId) => [{ id: pageId, _meta: { op: 'd' } }],
  };
}

describe('the found-pages channel in page sweeps', () => {
  it('captures a page found only in a tree in the same sweep of every page stream (1, 2 and 3 sweeps)', async () => {
    for (const others of [0, 1, 2]) {
      const clock = manualClock(T0);
      const hidden = { id: id(7), edited: T0 - 5 * MINUTE, inSearch: false };
      const ws = fakeWorkspace([{ id: id(1), edited: T0 - 5 * MINUTE }, hidden]);
      const hub = createCaptureHub({ clock });
      const blocks = walker({
        [id(1)]: { childPages: [{ id: hidden.id, lastEditedTime: iso(hidden.edited) }] },
      });
      const handlers = Array.from({ length: others }, () => recordingHandler());
      const results = await Promise.all([
        sweep(ws, clock, initialPageSweepState(), blocks, { hub }),
        ...handlers.map((handler) => sweep(ws, clock, initialPageSweepState(), handler, { hub })),
      ]);
      expect(blocks.processed).toEqual([id(1), hidden.id]);
      for (const handler of handlers) {
        expect(handler.processed.map((p) => [p.item.id, p.item.reason])).toEqual([
          [id(1), 'new'],
          [hidden.id, 'child'],
        ]);
      }
      for (const result of results) expect(readPageRecord(result.state, hidden.id)?.hiddenChild).toBe(true);
    }
  });

  it('stops waiting when the stream is stopped', async () => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace([{ id: id(1), edited: T0 - 5 * MINUTE }]);
    const hub = createCaptureHub({ clock });
    const busy = hub.foundPages.join(); // another page sweep that never ends
    const controller = new AbortController();
    const handler = recordingHandler();
    const run = sweep(ws, clock, initialPageSweepState(), handler, { hub, signal: controller.signal });
    for (let i = 0; i < 20; i++) await tick();
    expect(handler.processed).toHaveLength(1);
    controller.abort(new Error('stopping'));
    await expect(run).rejects.toThrow('stopping');
    busy.leave();
  });

  it('climbs once for the capture to parents nobody found, through pages and blocks, up to the root', async () => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace(
      [
        { id: id(2), edited: T0 - 5 * MINUTE, parentPage: id(3) },
        { id: id(3), edited: T0 - 50 * MINUTE, parentBlock: id(80), inSearch: false },
        { id: id(4), edited: T0 - 90 * MINUTE, inSearch: false },
      ],
      [],
      { [id(80)]: { block: id(81) }, [id(81)]: { page: id(4) } },
    );
    const hub = createCaptureHub({ clock });
    const pages = recordingHandler(undefined, { fromListing: () => undefined });
    const blocks = recordingHandler();
    const [withPages] = await Promise.all([
      sweep(ws, clock, initialPageSweepState(), pages, { hub }),
      sweep(ws, clock, initialPageSweepState(), blocks, { hub }),
    ]);
    for (const handler of [pages, blocks]) {
      expect(handler.processed.map((p) => p.item.id).sort()).toEqual([id(2), id(3), id(4)]);
    }
    const gets = ws.requests.filter((r) => r.method === 'get').map((r) => r.path);
    expect(gets.sort()).toEqual([`blocks/${id(80)}`, `blocks/${id(81)}`, `pages/${id(3)}`, `pages/${id(4)}`]);
    // The pages stream got the climbed page objects: no GET of its own.
    expect(pages.processed.find((p) => p.item.id === id(3))?.item.page?.id).toBe(id(3));
    expect(readPageRecord(withPages.state, id(4))?.hiddenChild).toBe(true);
  });

  it('checks a child page whose child_page block vanished with one GET, and every stream emits it that sweep', async () => {
    for (const fate of ['trashed', 'purged'] as const) {
      const clock = manualClock(T0);
      const parent = { id: id(1), edited: T0 - 50 * MINUTE };
      const childPage = { id: id(5), edited: T0 - 50 * MINUTE, parentPage: id(1) };
      const ws = fakeWorkspace([parent, childPage]);
      const first = createCaptureHub({ clock });
      const [blocksState, pagesState] = await Promise.all(
        [walker({}), recordingHandler()].map(
          async (handler) => (await sweep(ws, clock, initialPageSweepState(), handler, { hub: first })).state,
        ),
      );
      expect(readPageRecord(pagesState!, childPage.id)).toBeDefined();

      // The parent is edited and the child page leaves it.
      clock.advance(10 * MINUTE);
      parent.edited = clock.now() - MINUTE;
      if (fate === 'trashed') Object.assign(childPage, { trashed: true });
      else ws.pages.splice(ws.pages.indexOf(childPage), 1);
      ws.requests.length = 0;
      const hub = createCaptureHub({ clock });
      const blocks = walker({ [parent.id]: { vanishedPages: [childPage.id] } });
      const pages = recordingHandler();
      const [afterBlocks, afterPages] = await Promise.all([
        sweep(ws, clock, blocksState!, blocks, { hub, trackParents: true, ...NO_SCAN }),
        sweep(ws, clock, pagesState!, pages, { hub, ...NO_SCAN }),
      ]);
      expect(ws.requests.filter((r) => r.path === `pages/${childPage.id}`)).toHaveLength(1);
      if (fate === 'trashed') {
        expect(blocks.processed).toEqual([parent.id, childPage.id]);
        const item = pages.processed.find((p) => p.item.id === childPage.id)?.item;
        expect([item?.reason, item?.trashed]).toEqual(['vanished', true]);
        expect(readPageRecord(afterPages.state, childPage.id)?.trashed).toBe(true);
      } else {
        expect(afterBlocks.docs).toContainEqual({ id: childPage.id, _meta: { op: 'd' } });
        expect(afterPages.docs).toContainEqual({ id: childPage.id, _meta: { op: 'd' } });
        expect(readPageRecord(afterPages.state, childPage.id)).toBeUndefined();
        expect(readPageRecord(afterBlocks.state, childPage.id)).toBeUndefined();
      }
    }
  });

  it('skips a found page that answers 404 before it was ever captured, without a deletion', async () => {
    const clock = manualClock(T0);
    const ws = fakeWorkspace([{ id: id(1), edited: T0 - 5 * MINUTE }]);
    const handler = walker({ [id(1)]: { childPages: [{ id: id(9), lastEditedTime: iso(T0 - MINUTE) }] } });
    handler.process = async (item) => {
      if (item.id === id(9)) return { docs: [{ id: id(9), _meta: { op: 'd' } }], record: null };
      return {
        docs: [{ id: item.id }],
        record: {},
        childPages: [{ id: id(9), lastEditedTime: iso(T0 - MINUTE) }],
      };
    };
    const result = await sweep(ws, clock, initialPageSweepState(), handler);
    expect(result.docs).toEqual([{ id: id(1) }]);
    expect(readPageRecord(result.state, id(9))).toBeUndefined();
  });

  it('checks a page a scan missed once for the capture, and not at all when a tree walked this sweep still lists it', async () => {
    const clock = manualClock(T0);
    const parent = { id: id(1), edited: T0 - 50 * MINUTE };
    const hidden = { id: id(7), edited: T0 - 50 * MINUTE, inSearch: false, parentPage: id(1) };
    const ws = fakeWorkspace([parent, hidden]);
    const tree = { [parent.id]: { childPages: [{ id: hidden.id, lastEditedTime: iso(hidden.edited) }] } };
    const first = createCaptureHub({ clock });
    const [walked, listed] = await Promise.all([
      sweep(ws, clock, initialPageSweepState(), walker(tree), { hub: first }),
      sweep(ws, clock, initialPageSweepState(), recordingHandler(), { hub: first }),
    ]);
    const scan = { deletionScanIntervalMs: 0, scanBudgetShare: Number.POSITIVE_INFINITY };
    const gets = () => ws.requests.filter((r) => r.path === `pages/${hidden.id}`).length;

    // Two streams scan one after the other: the second uses the first one's GET.
    clock.advance(10 * MINUTE);
    ws.requests.length = 0;
    const hub = createCaptureHub({ clock });
    const one = recordingHandler();
    await sweep(ws, clock, listed.state, one, { hub, ...scan });
    const two = recordingHandler();
    await sweep(ws, clock, listed.state, two, { hub, ...scan });
    expect(gets()).toBe(1);
    expect([one.processed, two.processed]).toEqual([[], []]);

    // The parent is edited: the walk of its tree shows the hidden page alive, so its scan needs no GET.
    clock.advance(10 * MINUTE);
    parent.edited = clock.now() - MINUTE;
    ws.requests.length = 0;
    const blocks = walker(tree);
    await sweep(ws, clock, walked.state, blocks, { hub: createCaptureHub({ clock }), ...scan });
    expect(blocks.processed).toEqual([parent.id]);
    expect(gets()).toBe(0);
  });
});
