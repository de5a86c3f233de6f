import {
  collectionJsonSchema,
  collectList,
  deletionDocument,
  deletionDocumentSchema,
  type JsonSchema,
  listNotion,
  type NotionClient,
  type NotionPage,
  notionTimestampSchema,
  withoutRequestId,
} from '@source-notion/core';
import { z } from 'zod';

/** Property types whose page values Notion caps at 25 references. */
const LIST_TYPES = new Set(['relation', 'people', 'title', 'rich_text']);
export const PROPERTY_REFERENCE_CAP = 25;

type PropertyValue = { id: string; type: string; [key: string]: unknown };

/**
 * Whether a page property value may be truncated at 25 references: a relation that says
 * `has_more: true`, or a people, title or rich_text value holding 25 items or more.
 */
export function isTruncatedProperty(value: PropertyValue): boolean {
  if (value.type === 'relation') return value.has_more === true;
  if (!LIST_TYPES.has(value.type)) return false;
  const items = value[value.type];
  return Array.isArray(items) && items.length >= PROPERTY_REFERENCE_CAP;
}

/** The names of a page's properties whose values may be truncated. */
export function truncatedProperties(page: NotionPage): string[] {
  return Object.entries(page.properties ?? {})
    .filter(([, value]) => isTruncatedProperty(value))
    .map(([name]) => name);
}

const propertyItemSchema = z.looseObject({ object: z.literal('property_item'), type: z.string() });

/**
 * The complete value of a list property through `GET /v1/pages/{id}/properties/{property_id}`
 * (paginated: every property item), in the shape the page object uses.
 */
export async function completePropertyValue(
  notion: NotionClient,
  pageId: string,
  value: PropertyValue,
  signal?: AbortSignal,
): Promise<PropertyValue> {
  const items = await collectList(
    listNotion(
      notion,
      'retrieve page property',
      { path: `pages/${pageId}/properties/${value.id}`, method: 'get' },
      propertyItemSchema,
      { signal },
    ),
  );
  const complete: PropertyValue = { ...value, [value.type]: items.map((item) => item[value.type]) };
  if (value.type === 'relation') complete.has_more = false;
  return complete;
}

/** The page with every truncated property value completed (requests only for those). */
export async function completePage(
  notion: NotionClient,
  page: NotionPage,
  signal?: AbortSignal,
): Promise<NotionPage> {
  const names = truncatedProperties(page);
  if (names.length === 0) return page;
  const properties = { ...page.properties };
  for (const name of names) {
    properties[name] = await completePropertyValue(notion, page.id, properties[name]!, signal);
  }
  return { ...page, properties };
}

/**
 * The document for a page: the API object with `properties` as `[{name, value}]` in the order the
 * API listed them (JSON object order; JavaScript moves integer-like names such as "2024" first).
 */
export function pageDocument(page: NotionPage): Record<string, unknown> {
  return {
    ...withoutRequestId(page),
    properties: Object.entries(page.properties ?? {}).map(([name, value]) => ({ name, value })),
  };
}

/** The deletion document of a page that is gone (404: purged or no longer shared). */
export const pageDeletion = deletionDocument;

/** A page document: the API page object with `properties` as `[{name, value}]`. */
export const pageDocumentZodSchema = z
  .looseObject({
    object: z.literal('page'),
    id: z.string().min(1),
    created_time: notionTimestampSchema,
    last_edited_time: notionTimestampSchema,
    in_trash: z.boolean().optional(),
    parent: z.looseObject({ type: z.string() }),
    properties: z
      .array(
        z.object({
          name: z.string(),
          value: z.looseObject({ id: z.string(), type: z.string() }),
        }),
      )
      .describe(
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
