import { createRandom } from '@source-notion/notion-emulator';
import { describe, expect, it } from 'vitest';
import { planChanges } from './emulator-commands.js';
import { pick } from './page-changes.js';
import type { BlockShape, WorkspaceShape } from './workspace-shape.js';

describe('pick', () => {
  it('picks distinct items, at most all of them', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const picked = pick(items, 10, createRandom(1).next);
    expect(new Set(picked).size).toBe(10);
    expect(picked.every((x) => items.includes(x))).toBe(true);
    expect(pick([1, 2], 5, createRandom(1).next).sort()).toEqual([1, 2]);
  });
});

describe('planChanges', () => {
  const block = (id: string, pageId: string, type = 'paragraph', hasChildren = false): BlockShape => ({
    id,
    type,
    hasChildren,
    parentId: pageId,
    pageId,
    syncedReference: false,
  });
  const pages = Array.from({ length: 400 }, (_, i) => `p${i}`);
  const shape: WorkspaceShape = {
    users: [],
    databases: [],
    dataSources: [],
    pages,
    blocks: pages.flatMap((p) => [
      block(`${p}-a`, p),
      block(`${p}-t`, p, 'toggle', true),
      block(`${p}-c`, p, 'child_page'),
    ]),
    comments: [],
  };

  it('changes the given share of the pages, one operation each, in rotation', () => {
    const changes = planChanges(shape, { fraction: 0.01, seed: 3 });
    expect(changes).toHaveLength(4);
    expect(changes.map((c) => c.op)).toEqual(['editPage', 'editBlock', 'appendBlocks', 'deleteBlock']);
    expect(new Set(changes.map((c) => c.pageId)).size).toBe(4);
    for (const change of changes) {
      // Only leaf blocks of editable types are edited or deleted, and only in the changed page.
      if (change.op === 'editBlock' || change.op === 'deleteBlock')
        expect(change.blockId).toBe(`${change.pageId}-a`);
    }
    expect(planChanges(shape, { fraction: 0.01, seed: 3 })).toEqual(changes);
  });

  it('changes at least one page, and edits the page when it has no leaf block', () => {
    const bare: WorkspaceShape = { ...shape, pages: ['x'], blocks: [] };
    expect(planChanges(bare, { fraction: 0.001, seed: 1 })).toEqual([{ op: 'editPage', pageId: 'x' }]);
  });
});
