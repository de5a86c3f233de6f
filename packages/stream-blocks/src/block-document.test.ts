import { deletionDocument, type NotionBlock } from '@source-notion/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { blockDocument, blocksDocumentSchema } from './block-document.js';

const PAGE = '55555555-5555-4555-8555-555555555555';
const block = {
  object: 'block',
  id: '66666666-6666-4666-8666-666666666666',
  type: 'paragraph',
  created_time: '2025-01-01T00:00:00.000Z',
  last_edited_time: '2025-01-02T03:04:00.000Z',
  has_children: false,
  parent: { type: 'page_id', page_id: PAGE },
  paragraph: { rich_text: [] },
  future_field: { kept: true },
} as NotionBlock;

describe('blockDocument', () => {
  it('adds where the block sits in its page tree and keeps everything else', () => {
    expect(blockDocument(block, PAGE, 2, 5)).toEqual({ ...block, page_id: PAGE, depth: 2, ordinal: 5 });
  });
});

describe('blocksDocumentSchema', () => {
  const validate = z.fromJSONSchema(blocksDocumentSchema);
  it('admits documents and deletions and rejects a block without its place', () => {
    expect(blocksDocumentSchema.required).toEqual(['id']);
    expect(validate.safeParse(blockDocument(block, PAGE, 1, 0)).success).toBe(true);
    expect(validate.safeParse(deletionDocument(block.id)).success).toBe(true);
    expect(validate.safeParse(block).success).toBe(false);
    expect(validate.safeParse(blockDocument(block, PAGE, 0, 0)).success).toBe(false);
  });
});
