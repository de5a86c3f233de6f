import {
  collectionJsonSchema,
  deletionDocumentSchema,
  type JsonSchema,
  notionTimestampSchema,
  propertyListSchema,
  type StreamDocument,
  withPropertyList,
} from '@source-notion/core';
import { z } from 'zod';

const propertyConfigSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  type: z.string(),
});

/**
 * A complete data source as `GET /v1/data_sources/{id}` (and, on 2025-09-03, search) returns it.
 * A search result that does not parse with this schema (a partial object: just id and properties)
 * is fetched with GET.
 */
export const dataSourceResponseSchema = z.looseObject({
  object: z.literal('data_source'),
  id: z.string().min(1),
  parent: z.looseObject({ type: z.string().optional() }),
  created_time: notionTimestampSchema,
  last_edited_time: notionTimestampSchema,
  in_trash: z.boolean().optional(),
  archived: z.boolean().optional(),
  properties: z.record(z.string(), propertyConfigSchema),
});
export type DataSourceResponse = z.infer<typeof dataSourceResponseSchema>;

/**
 * The document for a data source: the API object (minus a response's `request_id`) with
 * `properties` as `[{name, value}]` in the order the API listed them (core's withPropertyList).
 */
export function dataSourceDocument(source: DataSourceResponse): StreamDocument {
  return withPropertyList(source);
}

/** A data source document: the API object with `properties` as `[{name, value}]` in Notion's order. */
export const dataSourceDocumentZodSchema = z
  .looseObject({
    object: z.literal('data_source'),
    id: z.string().min(1),
    parent: z.looseObject({ type: z.string().optional() }),
    created_time: z.string(),
    last_edited_time: z.string(),
    in_trash: z.boolean().optional(),
    properties: propertyListSchema(
      propertyConfigSchema,
      'The schema: one entry per property, in the order Notion returns them',
    ),
  })
  .meta({ title: 'Notion data source' });

/** A data source that is gone (404: deleted or no longer shared with the integration). */
export const dataSourceDeletionZodSchema = deletionDocumentSchema('Deleted data source');

export const dataSourcesDocumentZodSchema = z.union([
  dataSourceDocumentZodSchema,
  dataSourceDeletionZodSchema,
]);

/** The published JSON schema (draft 2020-12): a data source, or a deletion `{id, _meta:{op:'d'}}`. */
export const dataSourcesDocumentSchema: JsonSchema = collectionJsonSchema(dataSourcesDocumentZodSchema, {
  title: 'Notion data sources',
  idDescription: 'The data source id (a UUID).',
});
