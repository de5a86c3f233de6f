import { deletionDocument } from '@source-notion/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commentDocument, commentResponseSchema, commentsDocumentSchema } from './comment-document.js';

const PAGE = '55555555-5555-4555-8555-555555555555';
const raw = {
  object: 'comment',
  id: '77777777-7777-4777-8777-777777777777',
  discussion_id: '88888888-8888-4888-8888-888888888888',
  parent: { type: 'block_id', block_id: '66666666-6666-4666-8666-666666666666' },
  created_time: '2025-01-01T00:00:00.000Z',
  last_edited_time: '2025-01-01T00:00:00.000Z',
  created_by: { object: 'user', id: '99999999-9999-4999-8999-999999999999' },
  rich_text: [{ type: 'text', text: { content: 'hi' }, plain_text: 'hi' }],
};

describe('commentDocument', () => {
  it('adds the page the comment is on and keeps everything else', () => {
    expect(commentDocument(commentResponseSchema.parse(raw), PAGE)).toEqual({ ...raw, page_id: PAGE });
  });

  it('rejects what is not a comment', () => {
    expect(commentResponseSchema.safeParse({ ...raw, object: 'block' }).success).toBe(false);
  });
});

describe('commentsDocumentSchema', () => {
  const validate = z.fromJSONSchema(commentsDocumentSchema);
  it('admits documents and deletions and rejects a comment without its page', () => {
    expect(commentsDocumentSchema.required).toEqual(['id']);
    expect(validate.safeParse(commentDocument(commentResponseSchema.parse(raw), PAGE)).success).toBe(true);
    expect(validate.safeParse(deletionDocument(raw.id)).success).toBe(true);
    expect(validate.safeParse(raw).success).toBe(false);
  });
});
