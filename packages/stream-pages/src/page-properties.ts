import { collectList, listNotion, type NotionClient, type NotionPage } from '@source-notion/core';
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
