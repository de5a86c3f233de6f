import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  collectionJsonSchema,
  deletionDocument,
  deletionDocumentSchema,
  isDeletionDocument,
  isInTrash,
  notionTimestampSchema,
  propertyList,
  propertyListSchema,
  withoutRequestId,
  withPropertyList,
} from './stream-documents.js';

describe('stream documents', () => {
  it('builds deletion documents and their schema', () => {
    const schema = deletionDocumentSchema('Deleted thing');
    expect(deletionDocument('abc')).toEqual({ id: 'abc', _meta: { op: 'd' } });
    expect(schema.safeParse(deletionDocument('abc')).success).toBe(true);
    expect(schema.safeParse({ id: '', _meta: { op: 'd' } }).success).toBe(false);
    expect(schema.safeParse({ id: 'abc', _meta: { op: 'u' } }).success).toBe(false);
    expect(z.toJSONSchema(schema).title).toBe('Deleted thing');
  });

  it('publishes a collection schema keyed on a required top-level id', () => {
    const thing = z.looseObject({ object: z.literal('thing'), id: z.string() }).meta({ title: 'Thing' });
    const published = collectionJsonSchema(z.union([thing, deletionDocumentSchema('Deleted thing')]), {
      title: 'Things',
      idDescription: 'The thing id.',
    });
    expect(published).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Things',
      type: 'object',
      properties: { id: { type: 'string', description: 'The thing id.' } },
      required: ['id'],
    });
    expect(published.anyOf).toHaveLength(2);
    // The published schema, compiled back, accepts both variants and rejects a document without id.
    const validate = z.fromJSONSchema(published);
    expect(validate.safeParse({ object: 'thing', id: 'a', extra: 1 }).success).toBe(true);
    expect(validate.safeParse(deletionDocument('a')).success).toBe(true);
    expect(validate.safeParse({ object: 'thing' }).success).toBe(false);
  });

  it('accepts timestamps Date.parse reads and nothing else', () => {
    expect(notionTimestampSchema.safeParse('2025-01-01T00:00:00.000Z').success).toBe(true);
    expect(notionTimestampSchema.safeParse('yesterday').success).toBe(false);
    expect(notionTimestampSchema.safeParse(0).success).toBe(false);
  });

  it('drops request_id and keeps everything else', () => {
    const object = { object: 'database', id: 'a', request_id: 'req-1', nested: { request_id: 'kept' } };
    expect(withoutRequestId(object)).toEqual({ object: 'database', id: 'a', nested: { request_id: 'kept' } });
    expect(object.request_id).toBe('req-1');
  });

  it('tells deletions from every other document', () => {
    expect(isDeletionDocument(deletionDocument('a'))).toBe(true);
    expect(isDeletionDocument({ id: 'a', _meta: { op: 'd', uuid: 'x' } })).toBe(true);
    expect(isDeletionDocument({ id: 'a' })).toBe(false);
    expect(isDeletionDocument({ id: 'a', _meta: { op: 'u' } })).toBe(false);
    expect(isDeletionDocument({ id: 'a', _meta: 'd' })).toBe(false);
    expect(isDeletionDocument({ id: 'a', _meta: null })).toBe(false);
  });

  it('reads the trash from in_trash or archived, whichever is true', () => {
    expect(isInTrash({ in_trash: true })).toBe(true);
    expect(isInTrash({ archived: true })).toBe(true);
    expect(isInTrash({ in_trash: false, archived: true })).toBe(true);
    expect(isInTrash({ in_trash: false, archived: false })).toBe(false);
    expect(isInTrash({ in_trash: 'yes' })).toBe(false);
    expect(isInTrash({})).toBe(false);
  });

  it("lists properties as [{name, value}] in Notion's order", () => {
    const properties = { Zeta: { id: 'z' }, Name: { id: 'title' }, Alpha: { id: 'a' } };
    expect(propertyList(properties)).toEqual([
      { name: 'Zeta', value: { id: 'z' } },
      { name: 'Name', value: { id: 'title' } },
      { name: 'Alpha', value: { id: 'a' } },
    ]);
    expect(propertyList(undefined)).toEqual([]);
    const schema = propertyListSchema(z.object({ id: z.string() }), 'The properties');
    expect(schema.safeParse(propertyList(properties)).success).toBe(true);
    expect(schema.safeParse(properties).success).toBe(false);
    expect(z.toJSONSchema(schema).description).toBe('The properties');
    expect(withPropertyList({ object: 'page', id: 'p', request_id: 'r', properties })).toEqual({
      object: 'page',
      id: 'p',
      properties: propertyList(properties),
    });
  });
});
