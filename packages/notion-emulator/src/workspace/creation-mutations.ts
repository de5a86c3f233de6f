import { createRandom, hashInts } from '../random.js';
import { floorToMinute } from '../time.js';
import { ID_KIND } from './ids.js';
import type { DataSourceRecord, PageRecord } from './model.js';
import { type MutationContext, stamp, touchPage } from './mutation-context.js';
import { databaseById, dataSourceById, pageById } from './record-lookup.js';
import { SchemaBuilder } from './schema.js';
import { title as randomTitle } from './words.js';
import { WorkspaceError } from './workspace-error.js';

export interface AddDataSourceOptions {
  title?: string;
  /** New rows (pages) created in it. Default 2. */
  rows?: number;
}
export interface AddPageOptions {
  title?: string;
  blocks?: number;
}

/** Adds a data source (with a few rows) to a database; returns the data source id. */
export function addDataSource(
  ctx: MutationContext,
  databaseId: string,
  options: AddDataSourceOptions = {},
): string {
  const { data } = ctx;
  const db = databaseById(data, databaseId);
  if (!db) throw new WorkspaceError(`no database with id ${databaseId}`);
  const idx = data.dataSources.length;
  const rng = createRandom(hashInts(data.options.seed, 0xad, idx));
  const at = floorToMinute(ctx.now());
  const builder = new SchemaBuilder(rng, data.codec, idx);
  builder.add('title', 'Name');
  builder.add('select', 'Stage');
  builder.add('date', 'When');
  builder.add('checkbox', 'Done');
  const ds: DataSourceRecord = {
    idx,
    id: data.codec.encode(ID_KIND.dataSource, idx),
    databaseIdx: db.idx,
    title: options.title ?? randomTitle(rng),
    created: at,
    edited: at,
    createdBy: db.createdBy,
    editedBy: db.createdBy,
    properties: builder.properties,
    rowIdxs: [],
    hiddenFromSearch: false,
    searchHistory: [{ at: ctx.now(), edited: at, inTrash: false, existed: false }],
  };
  data.dataSources.push(ds);
  db.dataSourceIdxs.push(idx);
  db.edited = stamp(ctx, db.edited);
  for (let r = 0; r < (options.rows ?? 2); r++) addPage(ctx, ds.id);
  ctx.bumpRevision();
  return ds.id;
}

/** Creates a page under a page, a data source (a row) or the workspace (no parent id). */
export function addPage(ctx: MutationContext, parentId?: string, options: AddPageOptions = {}): string {
  const { data } = ctx;
  const idx = data.pages.length;
  const rng = createRandom(hashInts(data.options.seed, 0xaf, idx));
  const at = floorToMinute(ctx.now());
  let parent: PageRecord['parent'] = { type: 'workspace' };
  const parentPage = parentId ? pageById(data, parentId) : undefined;
  const parentDs = parentId && !parentPage ? dataSourceById(data, parentId) : undefined;
  if (parentId && !parentPage && !parentDs)
    throw new WorkspaceError(`no page or data source with id ${parentId}`);
  if (parentPage) parent = { type: 'page', pageIdx: parentPage.idx };
  if (parentDs) parent = { type: 'data_source', dataSourceIdx: parentDs.idx };
  const createdBy = data.authorIdxs[0] ?? 0;
  const page: PageRecord = {
    idx,
    id: data.codec.encode(ID_KIND.page, idx),
    parent,
    title: options.title ?? randomTitle(rng),
    created: at,
    edited: at,
    createdBy,
    editedBy: createdBy,
    shared: true,
    inTrash: false,
    purged: false,
    hiddenFromSearch: false,
    rev: 0,
    blockTarget: options.blocks ?? 3,
    childPageIdxs: [],
    childDatabaseIdxs: [],
    searchHistory: [{ at: ctx.now(), edited: at, inTrash: false, existed: false }],
  };
  if (parentDs) {
    parentDs.rowIdxs.push(idx);
    if (parentDs.properties.some((p) => p.type === 'unique_id')) page.uniqueNumber = parentDs.rowIdxs.length;
  }
  data.pages.push(page);
  if (parentPage) {
    const content = ctx.store.pin(parentPage.idx);
    parentPage.childPageIdxs.push(idx);
    content.blocks.set(page.id, {
      id: page.id,
      type: 'child_page',
      parentId: parentPage.id,
      pageIdx: parentPage.idx,
      children: [],
      created: at,
      edited: at,
      createdBy,
      editedBy: createdBy,
      inTrash: false,
      rev: 0,
      seed: 0,
      targetPageIdx: idx,
    });
    content.roots.push(page.id);
    touchPage(ctx, parentPage);
  }
  ctx.bumpRevision();
  return page.id;
}
