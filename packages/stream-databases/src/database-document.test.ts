import { deletionDocument } from '@source-notion/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { databaseDocument, databaseResponseSchema, databasesDocumentSchema } from './database-document.js';

const raw = {
  object: 'database',
  id: '33333333-3333-4333-8333-333333333333',
  title: [],
  parent: { type: 'page_id', page_id: '44444444-4444-4444-8444-444444444444' },
  is_inline: false,
  created_time: '2025-01-01T00:00:00.000Z',
  last_edited_time: '2025-01-02T03:04:00.000Z',
  in_trash: false,
  data_sources: [{ id: '11111111-1111-4111-8111-111111111111', name: 'Tasks' }],
  future_field: { kept: true },
};

describe('databaseDocument', () => {
  it('is the API object as is, minus the request_id of a GET response', () => {
    const doc = databaseDocument(databaseResponseSchema.parse({ ...raw, request_id: 'r-1' }));
    expect(doc).toEqual(raw);
  });

  it('rejects a response without its data sources', () => {
    const { data_sources: _, ...partial } = raw;
    expect(databaseResponseSchema.safeParse(partial).success).toBe(false);
  });
});

describe('databasesDocumentSchema', () => {
  const validate = z.fromJSONSchema(databasesDocumentSchema);
  it('admits databases and deletions, keyed by a required id', () => {
    expect(databasesDocumentSchema.required).toEqual(['id']);
    expect(validate.safeParse(databaseDocument(databaseResponseSchema.parse(raw))).success).toBe(true);
    expect(validate.safeParse(deletionDocument(raw.id)).success).toBe(true);
    expect(validate.safeParse({ object: 'database', title: [] }).success).toBe(false);
  });
});
