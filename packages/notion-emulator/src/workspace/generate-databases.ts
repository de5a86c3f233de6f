import { DAY_MS } from '../time.js';
import type { GenerationContext } from './generation-context.js';
import { ID_KIND } from './ids.js';
import type { DatabaseRecord, DataSourceRecord, PageRecord } from './model.js';
import { EMOJIS, title as randomTitle } from './words.js';

export interface GeneratedDatabases {
  databases: DatabaseRecord[];
  /** Without properties yet (see buildSchemas) and without rows. */
  dataSources: DataSourceRecord[];
}

/**
 * Databases and data sources: DB0 holds two data sources (Projects, Tasks), DB1 one (Notes), the
 * rest one each, now and then two. Databases sit under standalone pages or at the top level.
 */
export function generateDatabases(
  ctx: GenerationContext,
  author: () => number,
  pages: PageRecord[],
  standalone: number,
): GeneratedDatabases {
  const { options, rng, codec, now, yearAgo, time } = ctx;
  const databases: DatabaseRecord[] = [];
  const dataSources: DataSourceRecord[] = [];
  const newDatabase = (): DatabaseRecord => {
    const idx = databases.length;
    let parent: DatabaseRecord['parent'];
    if (idx === 0) parent = { type: 'page', pageIdx: 0 };
    else if (idx === 1) parent = { type: 'page', pageIdx: 1 };
    else
      parent = rng.chance(0.75)
        ? { type: 'page', pageIdx: rng.int(0, standalone - 1) }
        : { type: 'workspace' };
    const parentPage = parent.type === 'page' ? pages[parent.pageIdx] : undefined;
    const from = parentPage ? parentPage.created : yearAgo;
    // Never after `now`: a database under a page created lately is created by now.
    const created = time(from, Math.min(from + 10 * DAY_MS, now));
    const db: DatabaseRecord = {
      idx,
      id: codec.encode(ID_KIND.database, idx),
      title: idx === 0 ? 'Projects & Tasks' : idx === 1 ? 'Notes' : `${randomTitle(rng)} DB`,
      parent,
      isInline: idx === 1 || (idx > 1 && rng.chance(0.3)),
      created,
      edited: time(created, now),
      createdBy: author(),
      dataSourceIdxs: [],
      icon: rng.pick(EMOJIS),
    };
    databases.push(db);
    parentPage?.childDatabaseIdxs.push(idx);
    return db;
  };
  for (let k = 0; k < options.dataSources; k++) {
    let db: DatabaseRecord;
    const last = databases[databases.length - 1];
    if (k === 1 && last) db = last;
    else if (k >= 3 && last && last.dataSourceIdxs.length === 1 && rng.chance(0.2)) db = last;
    else db = newDatabase();
    const created = time(db.created, Math.min(db.created + DAY_MS, now));
    const ds: DataSourceRecord = {
      idx: k,
      id: codec.encode(ID_KIND.dataSource, k),
      databaseIdx: db.idx,
      title: k === 0 ? 'Projects' : k === 1 ? 'Tasks' : k === 2 ? 'Notes' : randomTitle(rng),
      created,
      edited: time(created, now),
      createdBy: db.createdBy,
      editedBy: author(),
      properties: [],
      rowIdxs: [],
      hiddenFromSearch: false,
    };
    dataSources.push(ds);
    db.dataSourceIdxs.push(k);
  }
  return { databases, dataSources };
}

/**
 * Hides `hiddenDataSources` data sources from search, from the last one back (Projects, Tasks and
 * Notes stay): each stays reachable through a child_database block on a page or as a sibling in
 * its database's `data_sources`. A lone data source of a workspace-level database that is needed
 * to reach the count gets its database moved into a standalone page first.
 */
export function hideDataSources(
  options: { hiddenDataSources: number },
  databases: DatabaseRecord[],
  dataSources: DataSourceRecord[],
  pages: PageRecord[],
  standalone: number,
): void {
  let left = options.hiddenDataSources;
  const reachable = (ds: DataSourceRecord): boolean => {
    const db = databases[ds.databaseIdx];
    if (!db) return false;
    if (db.parent.type === 'page') return true;
    return db.dataSourceIdxs.some((k) => k !== ds.idx && !dataSources[k]?.hiddenFromSearch);
  };
  const candidates = dataSources.slice(3).reverse();
  for (const ds of candidates) {
    if (left === 0) return;
    if (!reachable(ds)) continue;
    ds.hiddenFromSearch = true;
    left--;
  }
  for (const ds of candidates) {
    if (left === 0) return;
    if (ds.hiddenFromSearch) continue;
    const db = databases[ds.databaseIdx];
    if (!db) continue;
    const pageIdx = db.idx % standalone;
    db.parent = { type: 'page', pageIdx };
    pages[pageIdx]?.childDatabaseIdxs.push(db.idx);
    ds.hiddenFromSearch = true;
    left--;
  }
}
