import type { JsonSchema } from '@source-notion/core';
import { z } from 'zod';

const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 timestamp');

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
  created_time: timestamp,
  last_edited_time: timestamp,
  in_trash: z.boolean().optional(),
  archived: z.boolean().optional(),
  properties: z.record(z.string(), propertyConfigSchema),
});
export type DataSourceResponse = z.infer<typeof dataSourceResponseSchema>;

/** What the stream needs of any search result to tell data sources apart. */
export const searchResultSchema = z.looseObject({ object: z.string(), id: z.string().min(1) });

/** A data source document: the API object with `properties` as `[{name, value}]` in Notion's order. */
export const dataSourceDocumentSchema = z
  .looseObject({
    object: z.literal('data_source'),
    id: z.string().min(1),
    parent: z.looseObject({ type: z.string().optional() }),
    created_time: z.string(),
    last_edited_time: z.string(),
    in_trash: z.boolean().optional(),
    properties: z
      .array(z.object({ name: z.string(), value: propertyConfigSchema }))
      .describe('The schema: one entry per property, in the order Notion returns them'),
  })
  .meta({ title: 'Notion data source' });

/** A data source that is gone (404: deleted or no longer shared with the integration). */
export const dataSourceDeletionSchema = z
  .object({ id: z.string().min(1), _meta: z.looseObject({ op: z.literal('d') }) })
  .meta({ title: 'Deleted data source' });

export const dataSourcesDocumentZodSchema = z.union([dataSourceDocumentSchema, dataSourceDeletionSchema]);

/** The published JSON schema (draft 2020-12): a data source, or a deletion `{id, _meta:{op:'d'}}`. */
export const dataSourcesDocumentSchema: JsonSchema = {
  ...z.toJSONSchema(dataSourcesDocumentZodSchema, { target: 'draft-2020-12' }),
  title: 'Notion data sources',
  type: 'object',
  properties: { id: { type: 'string', description: 'The data source id (a UUID).' } },
  required: ['id'],
};

/**
 * The document for a data source: `properties` becomes `[{name, value}]` in the order the API
 * listed them (JSON object order; note that JavaScript moves integer-like names such as "2024" first).
 */
export function dataSourceDocument(source: DataSourceResponse): Record<string, unknown> {
  // `request_id` (on GET responses) identifies the HTTP exchange, not the data source.
  const { request_id: _, ...rest } = source as DataSourceResponse & { request_id?: unknown };
  return {
    ...rest,
    properties: Object.entries(source.properties).map(([name, value]) => ({ name, value })),
  };
}

export function isInTrash(source: {
  in_trash?: boolean | undefined;
  archived?: boolean | undefined;
}): boolean {
  return source.in_trash ?? source.archived ?? false;
}
