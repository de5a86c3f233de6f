import {
  collectionJsonSchema,
  deletionDocumentSchema,
  type JsonSchema,
  notionTimestampSchema,
  type StreamDocument,
  withoutRequestId,
} from '@source-notion/core';
import { z } from 'zod';

/** What the databases stream needs of a data source (a search result or `GET /v1/data_sources/{id}`). */
export const dataSourceRefSchema = z.looseObject({
  object: z.literal('data_source'),
  id: z.string().min(1),
  parent: z.looseObject({ database_id: z.string().min(1) }),
  last_edited_time: notionTimestampSchema,
});
export type DataSourceRef = z.infer<typeof dataSourceRefSchema>;

/** A database container as `GET /v1/databases/{id}` returns it on 2025-09-03+ (unknown fields kept). */
export const databaseResponseSchema = z.looseObject({
  object: z.literal('database'),
  id: z.string().min(1),
  created_time: notionTimestampSchema,
  last_edited_time: notionTimestampSchema,
  in_trash: z.boolean().optional(),
  archived: z.boolean().optional(),
  data_sources: z.array(z.looseObject({ id: z.string(), name: z.string().optional() })),
});
export type DatabaseResponse = z.infer<typeof databaseResponseSchema>;

/** The document for a database: the API object as is, minus the response's `request_id`. */
export function databaseDocument(database: DatabaseResponse): StreamDocument {
  return withoutRequestId(database);
}

/** A database document: the API object as is. */
export const databaseDocumentZodSchema = databaseResponseSchema
  .extend({ created_time: z.string(), last_edited_time: z.string() })
  .meta({ title: 'Notion database' });

/** A database that is gone (404: deleted or no longer shared with the integration). */
export const databaseDeletionZodSchema = deletionDocumentSchema('Deleted database');

export const databasesDocumentZodSchema = z.union([databaseDocumentZodSchema, databaseDeletionZodSchema]);

/** The published JSON schema (draft 2020-12): a database, or a deletion `{id, _meta:{op:'d'}}`. */
export const databasesDocumentSchema: JsonSchema = collectionJsonSchema(databasesDocumentZodSchema, {
  title: 'Notion databases',
  idDescription: 'The database id (a UUID).',
});
