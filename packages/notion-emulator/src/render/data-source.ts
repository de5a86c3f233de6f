import type { DatabaseObjectResponse, DataSourceObjectResponse } from '@notionhq/client';
import { isoTime } from '../time.js';
import type { DatabaseRecord, DataSourceRecord, PageRecord, PropertyDefinition } from '../workspace/model.js';
import { pageUrl, partialUser, type RenderContext } from './context.js';
import { textItem } from './rich-text.js';

type PropertyConfig = DataSourceObjectResponse['properties'][string];

function propertyConfig(ctx: RenderContext, def: PropertyDefinition): PropertyConfig {
  const common = { id: def.id, name: def.name, description: null };
  const options = (def.options ?? []).map((o) => ({
    id: o.id,
    name: o.name,
    color: o.color,
    description: null,
  }));
  switch (def.type) {
    case 'title':
      return { ...common, type: 'title', title: {} };
    case 'rich_text':
      return { ...common, type: 'rich_text', rich_text: {} };
    case 'number':
      return { ...common, type: 'number', number: { format: 'number' } };
    case 'select':
      return { ...common, type: 'select', select: { options } };
    case 'multi_select':
      return { ...common, type: 'multi_select', multi_select: { options } };
    case 'status':
      return {
        ...common,
        type: 'status',
        status: {
          options,
          groups: [
            {
              id: `${def.id}-todo`,
              name: 'To-do',
              color: 'gray',
              option_ids: options.slice(0, 1).map((o) => o.id),
            },
            {
              id: `${def.id}-doing`,
              name: 'In progress',
              color: 'blue',
              option_ids: options.slice(1, 2).map((o) => o.id),
            },
            {
              id: `${def.id}-done`,
              name: 'Complete',
              color: 'green',
              option_ids: options.slice(2).map((o) => o.id),
            },
          ],
        },
      };
    case 'date':
      return { ...common, type: 'date', date: {} };
    case 'people':
      return { ...common, type: 'people', people: {} };
    case 'files':
      return { ...common, type: 'files', files: {} };
    case 'checkbox':
      return { ...common, type: 'checkbox', checkbox: {} };
    case 'url':
      return { ...common, type: 'url', url: {} };
    case 'email':
      return { ...common, type: 'email', email: {} };
    case 'phone_number':
      return { ...common, type: 'phone_number', phone_number: {} };
    case 'formula':
      return { ...common, type: 'formula', formula: { expression: def.formula?.expression ?? '' } };
    case 'relation': {
      const target = ctx.ws.dataSources[def.relation?.dataSourceIdx ?? 0] as DataSourceRecord;
      const ids = {
        data_source_id: target.id,
        database_id: (ctx.ws.databases[target.databaseIdx] as DatabaseRecord).id,
      };
      return def.relation?.syncedPropertyId
        ? {
            ...common,
            type: 'relation',
            relation: {
              ...ids,
              type: 'dual_property',
              dual_property: {
                synced_property_id: def.relation.syncedPropertyId,
                synced_property_name: def.relation.syncedPropertyName ?? '',
              },
            },
          }
        : { ...common, type: 'relation', relation: { ...ids, type: 'single_property', single_property: {} } };
    }
    case 'rollup':
      return {
        ...common,
        type: 'rollup',
        rollup: {
          function: 'count',
          relation_property_id: def.rollup?.relationPropertyId ?? '',
          relation_property_name: def.rollup?.relationPropertyName ?? '',
          rollup_property_id: def.rollup?.rollupPropertyId ?? '',
          rollup_property_name: def.rollup?.rollupPropertyName ?? '',
        },
      };
    case 'created_time':
      return { ...common, type: 'created_time', created_time: {} };
    case 'created_by':
      return { ...common, type: 'created_by', created_by: {} };
    case 'last_edited_time':
      return { ...common, type: 'last_edited_time', last_edited_time: {} };
    case 'last_edited_by':
      return { ...common, type: 'last_edited_by', last_edited_by: {} };
    case 'unique_id':
      return { ...common, type: 'unique_id', unique_id: { prefix: def.uniqueIdPrefix ?? null } };
    // Types the SDK's data source response does not list yet (its page values do).
    case 'verification':
    case 'place':
    case 'button':
      return { ...common, type: def.type, [def.type]: {} } as unknown as PropertyConfig;
  }
}

function databaseParent(ctx: RenderContext, db: DatabaseRecord): DatabaseObjectResponse['parent'] {
  return db.parent.type === 'workspace'
    ? { type: 'workspace', workspace: true }
    : { type: 'page_id', page_id: (ctx.ws.pages[db.parent.pageIdx] as PageRecord).id };
}

export function renderDataSource(ctx: RenderContext, ds: DataSourceRecord): DataSourceObjectResponse {
  const db = ctx.ws.databases[ds.databaseIdx] as DatabaseRecord;
  const properties: Record<string, PropertyConfig> = {};
  for (const def of ds.properties) properties[def.name] = propertyConfig(ctx, def);
  return {
    object: 'data_source',
    id: ds.id,
    title: [textItem(ds.title)],
    description: [],
    parent: { type: 'database_id', database_id: db.id },
    database_parent: databaseParent(ctx, db),
    is_inline: db.isInline,
    in_trash: false,
    archived: false,
    created_time: isoTime(ds.created),
    last_edited_time: isoTime(ds.edited),
    created_by: partialUser(ctx, ds.createdBy),
    last_edited_by: partialUser(ctx, ds.editedBy),
    properties,
    icon: { type: 'emoji', emoji: db.icon },
    cover: null,
    url: pageUrl(ds.title, ds.id),
    public_url: null,
  };
}

export function renderDatabase(ctx: RenderContext, db: DatabaseRecord): DatabaseObjectResponse {
  return {
    object: 'database',
    id: db.id,
    title: [textItem(db.title)],
    description: [],
    parent: databaseParent(ctx, db),
    is_inline: db.isInline,
    in_trash: false,
    archived: false,
    is_locked: false,
    created_time: isoTime(db.created),
    last_edited_time: isoTime(db.edited),
    data_sources: db.dataSourceIdxs.map((i) => {
      const ds = ctx.ws.dataSources[i] as DataSourceRecord;
      return { id: ds.id, name: ds.title };
    }),
    icon: { type: 'emoji', emoji: db.icon },
    cover: null,
    url: pageUrl(db.title, db.id),
    public_url: null,
  };
}
