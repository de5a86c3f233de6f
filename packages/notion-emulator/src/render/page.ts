import type { PageObjectResponse, PropertyItemObjectResponse } from '@notionhq/client';
import { createRandom, hashInts } from '../random.js';
import { DAY_MS, isoDate, isoTime } from '../time.js';
import { childPageInBlock } from '../workspace/child-page-placement.js';
import type { PageRecord, PropertyDefinition, SelectOption } from '../workspace/model.js';
import { words } from '../workspace/words.js';
import { pageUrl, partialUser, type RenderContext, signedFile } from './context.js';
import { richText, textItem } from './rich-text.js';

export type PagePropertyValue = PageObjectResponse['properties'][string];
type PageParentResponse = PageObjectResponse['parent'];

/** Notion caps title, rich_text, people and relation values at 25 references in page objects. */
export const PROPERTY_REFERENCE_LIMIT = 25;

const TITLE_ONLY: PropertyDefinition = { id: 'title', name: 'title', type: 'title' };

export function pageParent(ctx: RenderContext, page: PageRecord): PageParentResponse {
  const parent = page.parent;
  if (parent.type === 'workspace') return { type: 'workspace', workspace: true };
  if (parent.type === 'page') {
    const parentId = (ctx.ws.pages[parent.pageIdx] as PageRecord).id;
    // A child_page block inside a toggle or column: the API parent is that block.
    if (childPageInBlock(ctx.ws.options.seed, ctx.ws.options.childPagesInBlocks, page.idx)) {
      const holder = ctx.ws.content(parent.pageIdx).blocks.get(page.id)?.parentId;
      if (holder && holder !== parentId) return { type: 'block_id', block_id: holder };
    }
    return { type: 'page_id', page_id: parentId };
  }
  const ds = ctx.ws.dataSources[parent.dataSourceIdx];
  if (!ds) throw new Error(`no data source ${parent.dataSourceIdx}`);
  return {
    type: 'data_source_id',
    data_source_id: ds.id,
    database_id: (ctx.ws.databases[ds.databaseIdx] as { id: string }).id,
  };
}

export function pageSchema(ctx: RenderContext, page: PageRecord): readonly PropertyDefinition[] {
  if (page.parent.type !== 'data_source') return [TITLE_ONLY];
  return ctx.ws.dataSources[page.parent.dataSourceIdx]?.properties ?? [TITLE_ONLY];
}

function option(o: SelectOption): { id: string; name: string; color: SelectOption['color'] } {
  return { id: o.id, name: o.name, color: o.color };
}

/**
 * How many references of a relation a rollup or formula sees: all of them, or in page and list
 * responses only the first `computedReferenceLimit` (Notion computes those from 25).
 */
function computedReferences(ctx: RenderContext, page: PageRecord, relationId: string): number {
  const count = (page.relations?.[relationId] ?? []).filter((t) => !ctx.ws.pages[t]?.purged).length;
  const limit = ctx.computedReferenceLimit ?? null;
  return limit === null ? count : Math.min(count, limit);
}

/**
 * The value of one property of a page: list values untruncated; rollups and formulas over a
 * relation exact unless the context carries a computedReferenceLimit.
 */
export function completePropertyValue(
  ctx: RenderContext,
  page: PageRecord,
  def: PropertyDefinition,
  index: number,
): PagePropertyValue {
  const rng = createRandom(hashInts(ctx.ws.options.seed, 0x9a6e, page.idx, page.rev, index));
  const id = def.id;
  const maybe = <T>(value: T): T | null => (rng.chance(0.15) ? null : value);
  switch (def.type) {
    case 'title':
      return { id, type: 'title', title: [textItem(page.title)] };
    case 'rich_text': {
      const segments = page.longRichText ? 30 : rng.int(0, 2);
      return {
        id,
        type: 'rich_text',
        rich_text: segments === 0 ? [] : richText(ctx, rng.int(0, 0x7fffffff), undefined, segments),
      };
    }
    case 'number':
      return { id, type: 'number', number: maybe(rng.int(0, 100_000) / (rng.chance(0.3) ? 100 : 1)) };
    case 'select': {
      const options = def.options ?? [];
      return {
        id,
        type: 'select',
        select: options.length && rng.chance(0.85) ? option(rng.pick(options)) : null,
      };
    }
    case 'status': {
      const options = def.options ?? [];
      return { id, type: 'status', status: options.length ? option(rng.pick(options)) : null };
    }
    case 'multi_select':
      return {
        id,
        type: 'multi_select',
        multi_select: rng.sample(def.options ?? [], rng.int(0, 3)).map(option),
      };
    case 'date': {
      if (rng.chance(0.15)) return { id, type: 'date', date: null };
      const start = ctx.ws.options.now - rng.int(-60, 365) * DAY_MS;
      const withTime = rng.chance(0.2);
      const fmt = (ms: number): string => (withTime ? isoTime(ms) : isoDate(ms));
      return {
        id,
        type: 'date',
        date: {
          start: fmt(start),
          end: rng.chance(0.3) ? fmt(start + rng.int(1, 14) * DAY_MS) : null,
          time_zone: null,
        },
      };
    }
    case 'people': {
      const listed = ctx.ws.users.filter((u) => u.listed && u.type === 'person');
      const chosen = page.longRichText ? listed : rng.sample(listed, rng.int(0, 3));
      return { id, type: 'people', people: chosen.map((u) => ({ object: 'user' as const, id: u.id })) };
    }
    case 'files': {
      const n = rng.int(0, 2);
      const files: Extract<PagePropertyValue, { type: 'files' }>['files'] = [];
      for (let i = 0; i < n; i++) {
        if (i === 0) {
          const name = `${words(rng, 1, 2).replace(/ /g, '-')}.pdf`;
          files.push({ name, type: 'file', file: signedFile(ctx, `${page.id}/${id}/${i}`, name) });
        } else {
          files.push({
            name: 'Reference',
            type: 'external',
            external: { url: `https://example.com/docs/${page.idx}` },
          });
        }
      }
      return { id, type: 'files', files };
    }
    case 'checkbox':
      return { id, type: 'checkbox', checkbox: rng.chance(0.4) };
    case 'url':
      return { id, type: 'url', url: maybe(`https://example.com/${words(rng, 1, 2).replace(/ /g, '/')}`) };
    case 'email':
      return { id, type: 'email', email: maybe(`${words(rng, 1, 1)}@example.com`) };
    case 'phone_number':
      return { id, type: 'phone_number', phone_number: maybe(`+1 555 ${String(rng.int(1000000, 9999999))}`) };
    case 'formula': {
      const counted = def.formula?.countsRelationPropertyId;
      if (counted !== undefined)
        return {
          id,
          type: 'formula',
          formula: { type: 'number', number: computedReferences(ctx, page, counted) },
        };
      return { id, type: 'formula', formula: { type: 'string', string: `${page.title} #${page.idx}` } };
    }
    case 'relation': {
      const targets = (page.relations?.[id] ?? []).filter((t) => ctx.ws.pages[t] && !ctx.ws.pages[t]?.purged);
      return {
        id,
        type: 'relation',
        relation: targets.map((t) => ({ id: (ctx.ws.pages[t] as PageRecord).id })),
      };
    }
    case 'rollup': {
      const count = computedReferences(ctx, page, def.rollup?.relationPropertyId ?? '');
      return { id, type: 'rollup', rollup: { type: 'number', number: count, function: 'count' } };
    }
    case 'created_time':
      return { id, type: 'created_time', created_time: isoTime(page.created) };
    case 'last_edited_time':
      return { id, type: 'last_edited_time', last_edited_time: isoTime(page.edited) };
    case 'created_by':
      return { id, type: 'created_by', created_by: partialUser(ctx, page.createdBy) };
    case 'last_edited_by':
      return { id, type: 'last_edited_by', last_edited_by: partialUser(ctx, page.editedBy) };
    case 'unique_id':
      return {
        id,
        type: 'unique_id',
        unique_id: { prefix: def.uniqueIdPrefix ?? null, number: page.uniqueNumber ?? null },
      };
    case 'verification':
      return { id, type: 'verification', verification: verificationValue(ctx, page, rng) };
    case 'place':
      return {
        id,
        type: 'place',
        place: maybe({
          lat: rng.int(-90_000, 90_000) / 1000,
          lon: rng.int(-180_000, 180_000) / 1000,
          name: words(rng, 1, 3),
          address: `${rng.int(1, 999)} ${words(rng, 1, 2)} Street`,
          google_place_id: null,
        }),
      };
    case 'button':
      return { id, type: 'button', button: {} };
  }
}

/** A verification: verified (by the page's creator, on a date, maybe until another), or not. */
function verificationValue(
  ctx: RenderContext,
  page: PageRecord,
  rng: ReturnType<typeof createRandom>,
): Extract<PagePropertyValue, { type: 'verification' }>['verification'] {
  if (rng.chance(0.4)) return { state: 'unverified', date: null, verified_by: null };
  const start = Math.min(ctx.ws.options.now, page.edited);
  return {
    state: rng.chance(0.8) ? 'verified' : 'expired',
    verified_by: partialUser(ctx, page.createdBy),
    date: {
      start: isoTime(start),
      end: rng.chance(0.5) ? isoTime(start + rng.int(7, 90) * DAY_MS) : null,
      time_zone: null,
    },
  };
}

/** A page property value as GET /v1/pages returns it: list values capped at 25 references. */
export function truncatePropertyValue(value: PagePropertyValue): PagePropertyValue {
  const limit = PROPERTY_REFERENCE_LIMIT;
  switch (value.type) {
    case 'title':
      return value.title.length > limit ? { ...value, title: value.title.slice(0, limit) } : value;
    case 'rich_text':
      return value.rich_text.length > limit
        ? { ...value, rich_text: value.rich_text.slice(0, limit) }
        : value;
    case 'people':
      return value.people.length > limit ? { ...value, people: value.people.slice(0, limit) } : value;
    case 'relation': {
      // Notion adds `has_more` to relation values (absent from the SDK's type).
      const relation = {
        ...value,
        relation: value.relation.slice(0, limit),
        has_more: value.relation.length > limit,
      };
      return relation;
    }
    default:
      return value;
  }
}

export interface RenderPageOptions {
  /** Full property values (ground truth) instead of the 25-reference truncation. */
  complete?: boolean;
  /** Only these property ids (filter_properties). */
  filterProperties?: readonly string[];
}

export function renderPage(
  ctx: RenderContext,
  page: PageRecord,
  options: RenderPageOptions = {},
): PageObjectResponse {
  const properties: Record<string, PagePropertyValue> = {};
  pageSchema(ctx, page).forEach((def, index) => {
    if (options.filterProperties && !options.filterProperties.some((f) => sameProperty(f, def.id))) return;
    const value = completePropertyValue(ctx, page, def, index);
    properties[def.name] = options.complete ? completeWithHasMore(value) : truncatePropertyValue(value);
  });
  return {
    object: 'page',
    id: page.id,
    created_time: isoTime(page.created),
    last_edited_time: isoTime(page.edited),
    created_by: partialUser(ctx, page.createdBy),
    last_edited_by: partialUser(ctx, page.editedBy),
    cover: null,
    icon: page.icon ? { type: 'emoji', emoji: page.icon } : null,
    parent: pageParent(ctx, page),
    in_trash: page.inTrash,
    archived: page.inTrash,
    is_archived: page.inTrash,
    is_locked: false,
    properties,
    url: pageUrl(page.title, page.id),
    public_url: null,
  };
}

function completeWithHasMore(value: PagePropertyValue): PagePropertyValue {
  if (value.type !== 'relation') return value;
  const relation = { ...value, has_more: false };
  return relation;
}

/**
 * Whether a requested property id names a definition. Ids are often percent-encoded (`%3AUPp`);
 * clients send them raw, decoded or encoded once more: all of those match.
 */
export function sameProperty(requested: string, definitionId: string): boolean {
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const wanted = new Set([definitionId, decode(definitionId)]);
  const once = decode(requested);
  return wanted.has(requested) || wanted.has(once) || wanted.has(decode(once));
}

/** Items of a list-valued property (title, rich_text, people, relation), one property_item each. */
export function propertyItems(value: PagePropertyValue): PropertyItemObjectResponse[] | undefined {
  const base = { object: 'property_item' as const, id: value.id };
  switch (value.type) {
    case 'title':
      return value.title.map((title) => ({ ...base, type: 'title' as const, title }));
    case 'rich_text':
      return value.rich_text.map((rich_text) => ({ ...base, type: 'rich_text' as const, rich_text }));
    case 'people':
      return value.people.map((people) => ({
        ...base,
        type: 'people' as const,
        people:
          'object' in people && people.object === 'user'
            ? people
            : { object: 'user' as const, id: people.id },
      }));
    case 'relation':
      return value.relation.map((relation) => ({
        ...base,
        type: 'relation' as const,
        relation: { id: relation.id },
      }));
    default:
      return undefined;
  }
}

/** A single-valued property as a property_item object. */
export function propertyItem(value: PagePropertyValue): PropertyItemObjectResponse {
  const base = { object: 'property_item' as const, id: value.id };
  switch (value.type) {
    case 'number':
      return { ...base, type: 'number', number: value.number };
    case 'url':
      return { ...base, type: 'url', url: value.url };
    case 'select':
      return { ...base, type: 'select', select: value.select };
    case 'multi_select':
      return { ...base, type: 'multi_select', multi_select: value.multi_select };
    case 'status':
      return { ...base, type: 'status', status: value.status };
    case 'date':
      return { ...base, type: 'date', date: value.date };
    case 'email':
      return { ...base, type: 'email', email: value.email };
    case 'phone_number':
      return { ...base, type: 'phone_number', phone_number: value.phone_number };
    case 'checkbox':
      return { ...base, type: 'checkbox', checkbox: value.checkbox };
    case 'files':
      return { ...base, type: 'files', files: value.files };
    case 'created_by':
      return { ...base, type: 'created_by', created_by: value.created_by };
    case 'created_time':
      return { ...base, type: 'created_time', created_time: value.created_time };
    case 'last_edited_by':
      return { ...base, type: 'last_edited_by', last_edited_by: value.last_edited_by };
    case 'last_edited_time':
      return { ...base, type: 'last_edited_time', last_edited_time: value.last_edited_time };
    case 'formula':
      return { ...base, type: 'formula', formula: value.formula };
    case 'unique_id':
      return { ...base, type: 'unique_id', unique_id: value.unique_id };
    case 'verification':
      return { ...base, type: 'verification', verification: value.verification };
    case 'place':
      return { ...base, type: 'place', place: value.place };
    case 'button':
      return { ...base, type: 'button', button: value.button };
    case 'rollup':
      return {
        ...base,
        type: 'rollup',
        rollup:
          value.rollup.type === 'number'
            ? { type: 'number', number: value.rollup.number, function: value.rollup.function }
            : { type: 'unsupported', unsupported: {}, function: value.rollup.function },
      };
    default:
      throw new Error(`property ${value.id} of type ${value.type} is a list`);
  }
}
