import { describe, expect, it } from 'vitest';
import {
  backfillFloor,
  blocksOnlyFloor,
  floorSeconds,
  incrementalFloor,
  isDescended,
  listCalls,
  markdownFloor,
} from './floor.js';
import type { BlockShape, WorkspaceShape } from './workspace-shape.js';

function block(id: string, parentId: string, pageId: string, extra: Partial<BlockShape> = {}): BlockShape {
  return { id, type: 'paragraph', hasChildren: false, parentId, pageId, syncedReference: false, ...extra };
}

/** Two pages: p1 with a toggle holding two children, a child_page and an unsupported block; p2 empty. */
function smallShape(): WorkspaceShape {
  return {
    users: ['u1', 'u2'],
    databases: ['d1'],
    dataSources: ['s1', 's2'],
    pages: ['p1', 'p2'],
    blocks: [
      block('b1', 'p1', 'p1', { type: 'toggle', hasChildren: true }),
      block('b2', 'b1', 'p1'),
      block('b3', 'b1', 'p1'),
      block('b4', 'p1', 'p1', { type: 'child_page', hasChildren: true }),
      block('b5', 'p1', 'p1', { type: 'unsupported', hasChildren: true }),
      block('b6', 'p1', 'p1', { type: 'synced_block', hasChildren: true, syncedReference: true }),
    ],
    comments: [
      { id: 'c1', pageId: 'p1' },
      { id: 'c2', pageId: 'p1' },
    ],
  };
}

describe('markdownFloor and blocksOnlyFloor', () => {
  it('counts the listing, one Markdown request per page and one per unknown block', () => {
    const shape = { ...smallShape(), pageMarkdown: ['p1', 'p2'], markdownUnknownFetches: 3 };
    const floor = markdownFloor(shape);
    expect(floor).toMatchObject({ users: 0, dataSources: 1, databases: 1, pageListing: 1, markdown: 5 });
    expect(floor.blockTrees + floor.comments).toBe(0);
    expect(floor.total).toBe(1 + 1 + 1 + 5);
  });

  it('counts a blocks walk without users and comments', () => {
    const full = backfillFloor(smallShape());
    const blocks = blocksOnlyFloor(smallShape());
    expect(blocks.total).toBe(full.total - full.users - full.comments);
    expect(blocks.blockTrees).toBe(full.blockTrees);
  });
});

describe('listCalls', () => {
  it('counts one call per 100 results and at least one', () => {
    expect(listCalls(0)).toBe(1);
    expect(listCalls(1)).toBe(1);
    expect(listCalls(100)).toBe(1);
    expect(listCalls(101)).toBe(2);
    expect(listCalls(250)).toBe(3);
  });
});

describe('isDescended', () => {
  it('descends into blocks with children except child pages, databases, unsupported and synced references', () => {
    const shape = smallShape();
    expect(shape.blocks.filter(isDescended).map((b) => b.id)).toEqual(['b1']);
  });
});

describe('backfillFloor', () => {
  it('applies the formula 1 + ⌈U/100⌉ + ⌈S/100⌉ + D + ⌈P/100⌉ + (P + H) + P', () => {
    const floor = backfillFloor(smallShape());
    // U=2, S=2, D=1, P=2, H=1
    expect(floor).toEqual({
      users: 2,
      dataSources: 1,
      databases: 1,
      pageListing: 1,
      blockTrees: 3,
      pageRetrieves: 0,
      childPageBlocks: 0,
      comments: 2,
      total: 10,
    });
  });

  it('matches the formula on a generated workspace of 1,000 pages (30 blocks, 12% with children)', () => {
    const pages = Array.from({ length: 1000 }, (_, i) => `p${i}`);
    const blocks: BlockShape[] = [];
    let h = 0;
    for (const [i, page] of pages.entries()) {
      for (let j = 0; j < 30; j++) {
        const hasChildren = (i * 30 + j) % 25 < 3;
        if (hasChildren) h += 1;
        const id = `${page}-b${j}`;
        blocks.push(block(id, page, page, { type: hasChildren ? 'toggle' : 'paragraph', hasChildren }));
        if (hasChildren) blocks.push(block(`${id}-c`, id, page));
      }
    }
    const shape: WorkspaceShape = {
      users: ['u'],
      databases: [],
      dataSources: ['s'],
      pages,
      blocks,
      comments: [],
    };
    const expected = 1 + 1 + 1 + 0 + 10 + (1000 + h) + 1000;
    expect(backfillFloor(shape).total).toBe(expected);
    expect(h).toBe(3600);
  });

  it('counts a call per 100 children past the first hundred', () => {
    const blocks = Array.from({ length: 250 }, (_, i) => block(`b${i}`, 'p1', 'p1'));
    const shape: WorkspaceShape = {
      users: [],
      databases: [],
      dataSources: [],
      pages: ['p1'],
      blocks,
      comments: [],
    };
    expect(backfillFloor(shape).blockTrees).toBe(3);
    expect(backfillFloor(shape).users).toBe(2);
  });
});

/**
 * A workspace search cannot list: 700 standalone pages (r0 the root, s1…s699 under it) and 300
 * rows (150 in data source dsA, 150 in dsB), no blocks or comments; dsB is left out of search.
 */
function cappedShape(search: WorkspaceShape['search']): WorkspaceShape {
  const standalone = Array.from({ length: 700 }, (_, i) => (i === 0 ? 'r0' : `s${i}`));
  const rows = Array.from({ length: 300 }, (_, i) => `row${i}`);
  const rowDataSources = Object.fromEntries(rows.map((id, i) => [id, i < 150 ? 'dsA' : 'dsB']));
  return {
    users: ['u1'],
    databases: ['dA', 'dB'],
    dataSources: ['dsA', 'dsB'],
    pages: [...standalone, ...rows],
    blocks: [],
    comments: [],
    rowDataSources,
    roots: ['r0'],
    search,
  };
}

describe('backfillFloor when search cannot list everything', () => {
  const standalone = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => `s${from + i}`);
  const rowIds = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `row${from + i}`);

  it('reads both search windows, queries the data sources, and GETs every standalone page no listing returned', () => {
    // Capped at 300: newest first s1…s200 and rows 0…99; oldest first s400…s599 and r0.
    const floor = backfillFloor(
      cappedShape({
        descending: [...standalone(1, 201), ...rowIds(0, 100)],
        ascending: ['r0', ...standalone(400, 600)],
        capped: true,
        dataSources: ['dsA'],
      }),
    );
    expect(floor).toEqual({
      users: 2,
      // One listing of the data sources search returns, one GET of dsB (found through its database).
      dataSources: 1 + 1,
      databases: 2,
      // 3 calls newest first (300 results), 3 oldest first (201), dsA: 2 calls (50 rows unlisted), dsB: 2.
      pageListing: 3 + 3 + 2 + 2,
      // s201…s399 and s600…s699: listed by nothing.
      pageRetrieves: 199 + 100,
      blockTrees: 1000,
      childPageBlocks: 0,
      comments: 1000,
      total: 2 + 2 + 2 + 10 + 299 + 1000 + 1000,
    });
  });

  it('fetches the few rows search missed rather than query a whole data source', () => {
    // Search returned every page but one row of dsA (row1) and one standalone page (s7).
    const all = cappedShape(undefined).pages;
    const missing = new Set(['row1', 's7']);
    const floor = backfillFloor(
      cappedShape({
        descending: all.filter((id) => !missing.has(id)),
        ascending: [],
        capped: false,
        dataSources: ['dsA', 'dsB'],
      }),
    );
    // One listing of 998 pages (10 calls); fetching row1 (1 call) beats querying dsA's 150 rows (2).
    expect(floor.pageListing).toBe(10);
    expect(floor.pageRetrieves).toBe(2);
    expect(floor.dataSources).toBe(1);
    // Three rows missed: querying dsA (2 calls) beats fetching them (3).
    const three = new Set(['row1', 'row2', 'row3']);
    const queried = backfillFloor(
      cappedShape({
        descending: all.filter((id) => !three.has(id)),
        ascending: [],
        capped: false,
        dataSources: ['dsA', 'dsB'],
      }),
    );
    expect(queried.pageListing).toBe(10 + 2);
    expect(queried.pageRetrieves).toBe(0);
  });

  it('is the formula when search returned everything', () => {
    const shape = cappedShape(undefined);
    const everything = backfillFloor({
      ...shape,
      search: { descending: shape.pages, ascending: [], capped: false, dataSources: ['dsA', 'dsB'] },
    });
    expect(everything).toEqual(backfillFloor(shape));
    expect(everything.pageListing).toBe(10);
    expect(everything.pageRetrieves).toBe(0);
  });
});

describe('incrementalFloor', () => {
  it('counts the fixed listings plus the changed pages only', () => {
    const floor = incrementalFloor(smallShape(), new Set(['p2']));
    expect(floor).toEqual({
      users: 2,
      dataSources: 1,
      databases: 1,
      pageListing: 1,
      blockTrees: 1,
      pageRetrieves: 0,
      childPageBlocks: 0,
      comments: 1,
      total: 7,
    });
    expect(incrementalFloor(smallShape(), new Set(['p1'])).blockTrees).toBe(2);
  });

  it('counts reading the child_page blocks of changed child pages whose parent did not change', () => {
    // b4 is the child_page block of page b4, on p1's top level (4 children).
    const shape = { ...smallShape(), pages: ['p1', 'p2', 'b4'] };
    const floor = incrementalFloor(shape, new Set(['b4']));
    expect(floor.childPageBlocks).toBe(1);
    expect(floor.total).toBe(2 + 1 + 1 + 1 + 1 + 1 + 1);
    // The parent changed too: its tree is read whole anyway.
    expect(incrementalFloor(shape, new Set(['b4', 'p1'])).childPageBlocks).toBe(0);
    // Two changed children on a top level of 250 blocks: two retrieves beat three listing calls…
    const wide: WorkspaceShape = {
      ...shape,
      pages: ['p1', 'c1', 'c2', 'c3', 'c4'],
      blocks: [
        ...Array.from({ length: 246 }, (_, i) => block(`x${i}`, 'p1', 'p1')),
        ...['c1', 'c2', 'c3', 'c4'].map((id) =>
          block(id, 'p1', 'p1', { type: 'child_page', hasChildren: true }),
        ),
      ],
    };
    expect(incrementalFloor(wide, new Set(['c1', 'c2'])).childPageBlocks).toBe(2);
    // …and four do not: one listing of the 250 (three calls) reads them all.
    expect(incrementalFloor(wide, new Set(['c1', 'c2', 'c3', 'c4'])).childPageBlocks).toBe(3);
  });
});

describe('floorSeconds', () => {
  it('divides requests by the budget', () => {
    expect(floorSeconds(5_600, 180)).toBeCloseTo(1866.67, 1);
    expect(floorSeconds(600, 600)).toBe(60);
    expect(floorSeconds(600, null)).toBeNull();
  });
});
