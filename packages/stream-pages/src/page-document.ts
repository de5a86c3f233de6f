import {
  collectionJsonSchema,
  deletionDocumentSchema,
  type JsonSchema,
  type NotionPage,
  notionTimestampSchema,
  propertyListSchema,
  type StreamDocument,
  withPropertyList,
} from '@source-notion/core';
import { z } from 'zod';

// The Notion response schema of a page is core's (NotionPage: the page engine lists and reads pages).

/**
 * The document for a page: the API object (minus a response's `request_id`) with `properties` as
 * `[{name, value}]` in the order the API listed them (core's withPropertyList), each value in
 * Notion's page shape. Complete the values first (completePage): the listing truncates some at 25
 * references, and computes rollups and formulas over a truncated relation from those 25.
 */
export function pageDocument(page: NotionPage): StreamDocument {
  return withPropertyList(page);
}

/** A page document: the API page object with `properties` as `[{name, value}]`. */
export const pageDocumentZodSchema = z
  .looseObject({
    object: z.literal('page'),
    id: z.string().min(1),
    created_time: notionTimestampSchema,
    last_edited_time: notionTimestampSchema,
    in_trash: z.boolean().optional(),
    parent: z.looseObject({ type: z.string() }),
    properties: propertyListSchema(
      z.looseObject({ id: z.string(), type: z.string() }),
      'Property values, one entry per property, in the order Notion returns them; complete (never truncated at 25 references)',
    ),
  })
  .meta({ title: 'Notion page' });

/** A page that is gone (purged, or no longer shared with the integration). */
export const pageDeletionZodSchema = deletionDocumentSchema('Deleted page');

export const pagesDocumentZodSchema = z.union([pageDocumentZodSchema, pageDeletionZodSchema]);

/** The published JSON schema (draft 2020-12): a page, or a deletion `{id, _meta:{op:'d'}}`. */
export const pagesDocumentSchema: JsonSchema = collectionJsonSchema(pagesDocumentZodSchema, {
  title: 'Notion pages',
  idDescription: 'The page id (a UUID).',
});
