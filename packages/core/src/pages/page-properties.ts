import { z } from 'zod';
import { ResponseValidationError } from '../errors.js';
import type { NotionClient } from '../notion-client.js';
import { collectList, type FetchPage, iteratePages } from '../pagination.js';
import type { NotionPage } from './page-objects.js';

/** Property types whose page values Notion caps at 25 references. */
const LIST_TYPES = new Set(['relation', 'people', 'title', 'rich_text']);
/**
 * Property types Notion computes, in page objects and listings, from the first 25 references of a
 * truncated relation. The page object does not say which relation a rollup or formula reads (the
 * data source schema does, and only for rollups), so a page with a truncated relation has every
 * one of them completed.
 */
const COMPUTED_TYPES = new Set(['rollup', 'formula']);
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

/**
 * The names of a page's properties whose values may be incomplete, in the page's order: those
 * truncated at 25 references (isTruncatedProperty) and, when a relation is truncated, every rollup
 * and formula (computed from its first 25 references). Empty: the page object is complete.
 */
export function truncatedProperties(page: NotionPage): string[] {
  const entries = Object.entries(page.properties ?? {});
  const relationTruncated = entries.some(
    ([, value]) => value.type === 'relation' && isTruncatedProperty(value),
  );
  return entries
    .filter(
      ([, value]) => isTruncatedProperty(value) || (relationTruncated && COMPUTED_TYPES.has(value.type)),
    )
    .map(([name]) => name);
}

const OPERATION = 'retrieve page property';
const propertyItemSchema = z.looseObject({ object: z.literal('property_item'), type: z.string() });
type PropertyItem = z.output<typeof propertyItemSchema>;
const propertyItemsSchema = z.array(propertyItemSchema);
/** A rollup's value: `{type, number | date | array | …, function}`. */
const rollupSchema = z.looseObject({ type: z.string(), function: z.string().optional() });
type Rollup = z.output<typeof rollupSchema>;
/** What a paginated answer says of the whole property (a rollup: its value over every reference). */
const listSummarySchema = z.looseObject({ type: z.string(), rollup: rollupSchema.optional() });
const rollupItemSchema = z.looseObject({ type: z.literal('rollup'), rollup: rollupSchema });
const formulaItemSchema = z.looseObject({
  type: z.literal('formula'),
  formula: z.looseObject({ type: z.string() }),
});
/** Rollup values that are not a value: Notion could not compute it here. */
const NO_ROLLUP_VALUE = new Set(['unsupported', 'incomplete']);

interface PropertyItems {
  /** Every property item in order. */
  items: PropertyItem[];
  /** True when Notion answered one `property_item` rather than a list (a formula, a number…). */
  single: boolean;
  /** The `property_item` of the list's last page (a rollup's final value), when it was a list. */
  summary: z.output<typeof listSummarySchema> | undefined;
  requestId: string | undefined;
}

function parsed<S extends z.ZodType>(schema: S, value: unknown, requestId: string | undefined): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw ResponseValidationError.fromZodError(result.error, { operation: OPERATION, requestId });
  return result.data;
}

/**
 * `GET /v1/pages/{id}/properties/{property_id}` read to the end: a paginated `property_item` list
 * (title, rich_text, people, relation, rollup) or a single `property_item` (every other type),
 * through core's pagination (an invalid cursor restarts the listing).
 */
async function readPropertyItems(
  notion: NotionClient,
  pageId: string,
  propertyId: string,
  signal: AbortSignal | undefined,
): Promise<PropertyItems> {
  let summary: unknown;
  let single = false;
  let requestId: string | undefined;
  const fetchPage: FetchPage<unknown> = async (sdk, { page_size, start_cursor }) => {
    const response = (await sdk.pages.properties.retrieve({
      page_id: pageId,
      property_id: propertyId,
      page_size,
      ...(start_cursor === undefined ? {} : { start_cursor }),
    })) as unknown as Record<string, unknown>;
    requestId = typeof response.request_id === 'string' ? response.request_id : undefined;
    single = response.object === 'property_item';
    if (single) return { results: [response], has_more: false, next_cursor: null };
    summary = response.property_item;
    return response as unknown as Awaited<ReturnType<FetchPage<unknown>>>;
  };
  const raw = await collectList(iteratePages(notion, OPERATION, fetchPage, signal ? { signal } : {}));
  return {
    items: parsed(propertyItemsSchema, raw, requestId),
    single,
    summary: single || summary == null ? undefined : parsed(listSummarySchema, summary, requestId),
    requestId,
  };
}

/** A property item as an element of a rollup's array (`{type, [type]: value}`, as page values hold them). */
function arrayElement(item: PropertyItem): Record<string, unknown> {
  const value = item[item.type];
  return { type: item.type, [item.type]: LIST_TYPES.has(item.type) ? [value] : value };
}

/**
 * A rollup's value over every reference. Notion answers a list: its items (the relation's
 * references, or for show original and its kin the rolled-up values, flattened) and, on its last
 * page, the aggregate (`property_item.rollup`). A number or date aggregate is taken as is; an
 * `array` rollup lists the items, one element each. For some aggregates (count unique, median)
 * Notion computes nothing here (`unsupported` or `incomplete`): the page's own value stays,
 * computed from the first 25 references, and a warning says so.
 */
function completeRollup(
  notion: NotionClient,
  pageId: string,
  value: PropertyValue,
  read: PropertyItems,
): PropertyValue {
  const rollup: Rollup | undefined = read.single
    ? parsed(rollupItemSchema, read.items[0], read.requestId).rollup
    : read.summary?.type === 'rollup'
      ? read.summary.rollup
      : undefined;
  const fn = rollup?.function ?? (value.rollup as { function?: unknown } | undefined)?.function;
  const withFunction = fn === undefined ? {} : { function: fn };
  if (rollup?.type === 'array' && !read.single) {
    return { ...value, rollup: { ...rollup, array: read.items.map(arrayElement), ...withFunction } };
  }
  if (rollup !== undefined && !NO_ROLLUP_VALUE.has(rollup.type) && rollup.type in rollup) {
    return { ...value, rollup: { ...rollup, ...withFunction } };
  }
  notion.logger.warn(
    'Notion computes no exact value for this rollup; keeping its page value (first 25 references)',
    {
      operation: OPERATION,
      pageId,
      propertyId: value.id,
      rollupType: rollup?.type,
      function: typeof fn === 'string' ? fn : undefined,
      requestId: read.requestId,
    },
  );
  return value;
}

/**
 * The complete value of a page property through `GET /v1/pages/{id}/properties/{property_id}`, in
 * the shape the page object uses: a list type (relation, people, title, rich_text) with every item,
 * a rollup with its value over every reference (completeRollup), a formula as Notion computes it
 * over every reference.
 */
export async function completePropertyValue(
  notion: NotionClient,
  pageId: string,
  value: PropertyValue,
  signal?: AbortSignal,
): Promise<PropertyValue> {
  const read = await readPropertyItems(notion, pageId, value.id, signal);
  if (value.type === 'rollup') return completeRollup(notion, pageId, value, read);
  if (value.type === 'formula') {
    if (!read.single) {
      throw new ResponseValidationError('expected one formula property item, got a list', {
        operation: OPERATION,
        requestId: read.requestId,
      });
    }
    return { ...value, formula: parsed(formulaItemSchema, read.items[0], read.requestId).formula };
  }
  const complete: PropertyValue = { ...value, [value.type]: read.items.map((item) => item[value.type]) };
  if (value.type === 'relation') complete.has_more = false;
  return complete;
}

/**
 * The page with every incomplete property value completed (truncatedProperties), one property at a
 * time; no request for a page whose values are complete.
 */
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
