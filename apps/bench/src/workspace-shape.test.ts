import { describe, expect, it } from 'vitest';
import { compareCapture, expectedIds, workspaceShape } from './workspace-shape.js';

const truth = {
  users: [{ id: 'u1' }],
  databases: [{ id: 'd1' }],
  data_sources: [{ id: 's1' }],
  pages: [{ id: 'p1' }],
  blocks: [
    {
      id: 'b1',
      type: 'toggle',
      has_children: true,
      parent: { type: 'page_id', page_id: 'p1' },
      page_id: 'p1',
    },
    {
      id: 'b2',
      type: 'paragraph',
      has_children: false,
      parent: { type: 'block_id', block_id: 'b1' },
      page_id: 'p1',
    },
    {
      id: 'b3',
      type: 'synced_block',
      has_children: true,
      synced_block: { synced_from: { type: 'block_id', block_id: 'x' } },
      parent: { type: 'page_id', page_id: 'p1' },
      page_id: 'p1',
    },
  ],
  comments: [{ id: 'c1', page_id: 'p1' }],
  inline_comments: [{ id: 'c2', page_id: 'p1' }],
  page_markdown: [{ id: 'p1', markdown: '# P', unknown_block_ids: [] }],
};

describe('workspaceShape', () => {
  it('keeps ids, parents and what the floor needs', () => {
    const shape = workspaceShape(truth);
    expect(shape.blocks).toEqual([
      { id: 'b1', type: 'toggle', hasChildren: true, parentId: 'p1', pageId: 'p1', syncedReference: false },
      {
        id: 'b2',
        type: 'paragraph',
        hasChildren: false,
        parentId: 'b1',
        pageId: 'p1',
        syncedReference: false,
      },
      {
        id: 'b3',
        type: 'synced_block',
        hasChildren: true,
        parentId: 'p1',
        pageId: 'p1',
        syncedReference: true,
      },
    ]);
    expect(expectedIds(shape)).toEqual({
      users: ['u1'],
      databases: ['d1'],
      data_sources: ['s1'],
      pages: ['p1'],
      blocks: ['b1', 'b2', 'b3'],
      comments: ['c1'],
      page_markdown: ['p1'],
    });
  });

  it('rejects an object without an id', () => {
    expect(() => workspaceShape({ pages: [{ title: 'x' }] })).toThrow(/without an id/);
  });
});

describe('compareCapture', () => {
  const expected = expectedIds(workspaceShape(truth));
  it('is equal when every collection holds exactly the ground truth', () => {
    const captured = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, new Set(v)]));
    const result = compareCapture(captured, expected);
    expect(result.equal).toBe(true);
    expect(result.collections.blocks).toMatchObject({ expected: 3, captured: 3, missing: 0, extra: 0 });
  });

  it('compares only the bindings captured (page_markdown only when asked)', () => {
    const onlyMarkdown = compareCapture({ page_markdown: new Set(['p1']) }, expected, ['page_markdown']);
    expect(onlyMarkdown.equal).toBe(true);
    expect(Object.keys(onlyMarkdown.collections)).toEqual(['page_markdown']);
    expect(compareCapture({ page_markdown: new Set() }, expected, ['page_markdown']).equal).toBe(false);
    const six = compareCapture(
      Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, new Set(v)])),
      expected,
    );
    expect(Object.keys(six.collections)).not.toContain('page_markdown');
  });

  it('reports missing and extra ids per collection', () => {
    const captured = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, new Set(v)]));
    captured.blocks = new Set(['b1', 'b9']);
    delete captured.comments;
    const result = compareCapture(captured, expected);
    expect(result.equal).toBe(false);
    expect(result.collections.blocks).toEqual({
      expected: 3,
      captured: 2,
      missing: 2,
      extra: 1,
      sampleMissing: ['b2', 'b3'],
      sampleExtra: ['b9'],
    });
    expect(result.collections.comments).toMatchObject({ expected: 1, captured: 0, missing: 1 });
  });
});
