import { deletionDocument, notionPageSchema } from '@source-notion/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pageDocument, pagesDocumentSchema } from './page-document.js';

const raw = {
  object: 'page',
  id: '55555555-5555-4555-8555-555555555555',
  created_time: '2025-01-01T00:00:00.000Z',
  last_edited_time: '2025-01-02T03:04:00.000Z',
  in_trash: false,
  parent: { type: 'data_source_id', data_source_id: '11111111-1111-4111-8111-111111111111' },
  properties: {
    Zeta: { id: 'z', type: 'number', number: 3 },
    Name: { id: 'title', type: 'title', title: [] },
    Alpha: { id: 'a', type: 'checkbox', checkbox: true },
  },
  future_field: { kept: true },
};

describe('pageDocument', () => {
  it("is the page, request_id dropped, properties as [{name, value}] in Notion's order", () => {
    const { Zeta, Name, Alpha } = raw.properties;
    expect(pageDocument(notionPageSchema.parse({ ...raw, request_id: 'r-1' }))).toEqual({
      ...raw,
      properties: [
        { name: 'Zeta', value: Zeta },
        { name: 'Name', value: Name },
        { name: 'Alpha', value: Alpha },
      ],
    });
  });
});

describe('pagesDocumentSchema', () => {
  const validate = z.fromJSONSchema(pagesDocumentSchema);
  it('admits documents and deletions and rejects the raw map shape', () => {
    expect(pagesDocumentSchema.required).toEqual(['id']);
    expect(validate.safeParse(pageDocument(notionPageSchema.parse(raw))).success).toBe(true);
    expect(validate.safeParse(deletionDocument(raw.id)).success).toBe(true);
    expect(validate.safeParse(raw).success).toBe(false);
  });

  it('admits rollup and formula values in their page shape', () => {
    const properties = {
      Count: { id: 'c', type: 'rollup', rollup: { type: 'number', number: 130, function: 'count' } },
      Due: {
        id: 'd',
        type: 'rollup',
        rollup: { type: 'date', date: { start: '2027-01-15', end: null }, function: 'latest_date' },
      },
      Names: {
        id: 'n',
        type: 'rollup',
        rollup: { type: 'array', array: [{ type: 'number', number: 1 }], function: 'show_original' },
      },
      Summary: { id: 's', type: 'formula', formula: { type: 'string', string: '130 tasks' } },
    };
    const doc = pageDocument(notionPageSchema.parse({ ...raw, properties }));
    expect(doc.properties).toEqual(Object.entries(properties).map(([name, value]) => ({ name, value })));
    expect(validate.safeParse(doc).success).toBe(true);
  });
});
