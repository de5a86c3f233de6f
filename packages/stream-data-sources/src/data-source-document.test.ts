import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  dataSourceDocument,
  dataSourceResponseSchema,
  dataSourcesDocumentSchema,
} from './data-source-document.js';

const raw = {
  object: 'data_source',
  id: '11111111-1111-4111-8111-111111111111',
  parent: { type: 'database_id', database_id: '22222222-2222-4222-8222-222222222222' },
  created_time: '2025-01-01T00:00:00.000Z',
  last_edited_time: '2025-01-02T03:04:00.000Z',
  in_trash: false,
  title: [],
  properties: {
    Zeta: { id: 'z', name: 'Zeta', type: 'number', number: { format: 'number' } },
    Name: { id: 'title', name: 'Name', type: 'title', title: {} },
    Alpha: { id: 'a', name: 'Alpha', type: 'select', select: { options: [] } },
  },
  future_field: { kept: true },
};

describe('dataSourceDocument', () => {
  it("lists properties as [{name, value}] in Notion's order and keeps everything else", () => {
    const doc = dataSourceDocument(dataSourceResponseSchema.parse(raw));
    expect(doc.properties).toEqual([
      { name: 'Zeta', value: raw.properties.Zeta },
      { name: 'Name', value: raw.properties.Name },
      { name: 'Alpha', value: raw.properties.Alpha },
    ]);
    const { properties: _, ...rest } = doc;
    const { properties: __, ...rawRest } = raw;
    expect(rest).toEqual(rawRest);
  });

  it('drops the request_id of a GET response', () => {
    const doc = dataSourceDocument(dataSourceResponseSchema.parse({ ...raw, request_id: 'r-1' }));
    expect(doc).not.toHaveProperty('request_id');
    expect(doc.future_field).toEqual({ kept: true });
  });

  it('treats a search result with only id and properties as partial', () => {
    expect(
      dataSourceResponseSchema.safeParse({ object: 'data_source', id: raw.id, properties: raw.properties })
        .success,
    ).toBe(false);
  });
});

describe('dataSourcesDocumentSchema', () => {
  const validate = z.fromJSONSchema(dataSourcesDocumentSchema);
  it('admits documents and deletions and rejects the raw map shape', () => {
    expect(dataSourcesDocumentSchema.required).toEqual(['id']);
    expect(validate.safeParse(dataSourceDocument(dataSourceResponseSchema.parse(raw))).success).toBe(true);
    expect(validate.safeParse({ id: raw.id, _meta: { op: 'd' } }).success).toBe(true);
    expect(validate.safeParse(raw).success).toBe(false);
  });
});
