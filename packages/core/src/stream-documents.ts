import { z } from 'zod';
import type { JsonSchema } from './json-schema.js';

/** A document as emitted: a Notion object (unknown fields kept) plus the stream's additions. */
export type StreamDocument = Record<string, unknown>;

/** A timestamp as Notion sends it (`created_time`, `last_edited_time`): a string Date.parse reads. */
export const notionTimestampSchema = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 timestamp');

/** The document of an object that is gone: `{id, _meta: {op: 'd'}}` (the collection reduces it as a delete). */
export function deletionDocument(id: string): StreamDocument {
  return { id, _meta: { op: 'd' } };
}

/**
 * Whether a document is a deletion (`_meta.op` is "d"): what the collection reduces as a delete.
 * The one test for it: streams, the connector, tests and tools all ask this.
 */
export function isDeletionDocument(doc: StreamDocument): boolean {
  const meta = doc._meta;
  return typeof meta === 'object' && meta !== null && (meta as Record<string, unknown>).op === 'd';
}

/** The zod schema of a deletion document, titled for the published JSON schema ("Deleted page"). */
export function deletionDocumentSchema(title: string) {
  return z.object({ id: z.string().min(1), _meta: z.looseObject({ op: z.literal('d') }) }).meta({ title });
}

export interface CollectionJsonSchemaOptions {
  /** The collection's title ("Notion pages"). */
  title: string;
  /** What `id` is ("The page id (a UUID)."). */
  idDescription: string;
}

/**
 * The published JSON schema (draft 2020-12) of a stream's documents: `documents` (typically the
 * union of the object and its deletion) with a top-level `id` string that every variant has, so
 * Flow can key the collection on `/id`.
 */
export function collectionJsonSchema(documents: z.ZodType, options: CollectionJsonSchemaOptions): JsonSchema {
  return {
    ...z.toJSONSchema(documents, { target: 'draft-2020-12' }),
    title: options.title,
    type: 'object',
    properties: { id: { type: 'string', description: options.idDescription } },
    required: ['id'],
  };
}

/**
 * A copy of an API object without `request_id`: Notion adds it to single-object responses; it
 * identifies the HTTP exchange, not the object, and would make every read look like a change.
 */
export function withoutRequestId<T extends object>(object: T): Omit<T, 'request_id'> {
  const { request_id: _, ...rest } = object as T & { request_id?: unknown };
  return rest;
}

/**
 * Whether a Notion object is in the trash: `in_trash` or `archived` is true (newer API versions
 * send `in_trash`, older ones `archived`; where both come they agree).
 */
export function isInTrash(object: { in_trash?: unknown; archived?: unknown }): boolean {
  return object.in_trash === true || object.archived === true;
}

/** One entry of a document's `properties`: a property's name and what Notion keyed by it. */
export interface NamedProperty<Value> {
  name: string;
  value: Value;
}

/**
 * A Notion `properties` map as a list `[{name, value}]`, in the order the API listed them (JSON
 * object order; note that JavaScript moves integer-like names such as "2024" first). The shape page
 * and data source documents use, so one collection's schema does not grow a column per property name.
 */
export function propertyList<Value>(properties: Record<string, Value> | undefined): NamedProperty<Value>[] {
  return Object.entries(properties ?? {}).map(([name, value]) => ({ name, value }));
}

/**
 * The document of a page or a data source: the API object without a response's `request_id`, its
 * `properties` map as a list (propertyList).
 */
export function withPropertyList<T extends { properties?: Record<string, unknown> | undefined }>(
  object: T,
): StreamDocument {
  return { ...withoutRequestId(object), properties: propertyList(object.properties) };
}

/** The zod schema of a document's `properties` list (see propertyList), each `value` checked by `value`. */
export function propertyListSchema<Value extends z.ZodType>(value: Value, description: string) {
  return z.array(z.object({ name: z.string(), value })).describe(description);
}
