import { createRandom, hashInts, type Random } from '../random.js';
import { DAY_MS, floorToMinute, HOUR_MS, MINUTE_MS } from '../time.js';
import { blockId } from './content.js';
import { createIdCodec, ID_KIND, type IdCodec } from './ids.js';
import type {
  DatabaseRecord,
  DataSourceRecord,
  PageParent,
  PageRecord,
  PropertyDefinition,
  UserRecord,
} from './model.js';
import { type ResolvedWorkspaceOptions, resolveWorkspaceOptions, type WorkspaceOptions } from './options.js';
import { GENERIC_TYPES, SchemaBuilder } from './schema.js';
import { EMOJIS, personName, title as randomTitle } from './words.js';

export interface WorkspaceData {
  options: ResolvedWorkspaceOptions;
  codec: IdCodec;
  workspaceId: string;
  users: UserRecord[];
  integrationUserIdx: number;
  /** Users that author content (people, the guest, another bot). */
  authorIdxs: number[];
  databases: DatabaseRecord[];
  dataSources: DataSourceRecord[];
  pages: PageRecord[];
  /** Index of the first unshared page (pages from here on are not shared with the integration). */
  unsharedFrom: number;
}

/** A database id that a child_database block points at but that cannot be retrieved (a linked view). */
export const LINKED_DATABASE_IDX = 0xfffffe;

export function generateWorkspaceData(input: WorkspaceOptions = {}): WorkspaceData {
  const options = resolveWorkspaceOptions(input);
  const { seed, now } = options;
  const rng = createRandom(hashInts(seed, 0x6e6e));
  const codec = createIdCodec(seed);
  const yearAgo = now - 365 * DAY_MS;

  // Users: people, the integration's bot, another bot, one guest (not listed).
  const users: UserRecord[] = [];
  for (let i = 0; i < options.users; i++) {
    const name = personName(rng, i);
    users.push({
      idx: i,
      id: codec.encode(ID_KIND.user, i),
      type: 'person',
      name,
      email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.com`,
      avatarUrl: rng.chance(0.6)
        ? `https://s3-us-west-2.amazonaws.com/public.notion-static.com/avatar-${i}.png`
        : null,
      listed: true,
      integration: false,
    });
  }
  const addUser = (partial: Omit<UserRecord, 'idx' | 'id'>): number => {
    const idx = users.length;
    users.push({ idx, id: codec.encode(ID_KIND.user, idx), ...partial });
    return idx;
  };
  const integrationUserIdx = addUser({
    type: 'bot',
    name: 'Estuary Capture',
    avatarUrl: null,
    listed: true,
    integration: true,
  });
  const otherBotIdx = addUser({
    type: 'bot',
    name: 'Calendar Sync',
    avatarUrl: null,
    listed: true,
    integration: false,
  });
  const guestIdx = addUser({
    type: 'person',
    name: 'Guest Contractor',
    email: 'guest@partner.example.org',
    avatarUrl: null,
    listed: false,
    integration: false,
  });
  const peopleIdxs = users.filter((u) => u.type === 'person' && u.listed).map((u) => u.idx);
  const authorIdxs = [...peopleIdxs, guestIdx, otherBotIdx];
  const author = (): number => (rng.chance(0.9) ? rng.pick(peopleIdxs) : rng.pick(authorIdxs));

  const time = (from: number, to: number): number =>
    floorToMinute(from + rng.next() * Math.max(0, to - from));

  // Page layout: [standalone][rows][unshared].
  const shared = options.pages;
  const nDs = options.dataSources;
  let standalone = Math.max(6, Math.round(shared * options.standaloneShare));
  let rows = shared - standalone;
  let relationTargets = options.relationTargets;
  const minRows = 2 * (nDs - 1) + relationTargets + 2;
  if (rows < minRows) {
    relationTargets = Math.max(0, Math.min(relationTargets, rows - 2 * (nDs - 1) - 2));
    if (rows < 2 * nDs) {
      rows = 2 * nDs;
      standalone = Math.max(4, shared - rows);
    }
  }
  const unsharedFrom = standalone + rows;
  const total = unsharedFrom + options.unsharedPages;
  const pages: PageRecord[] = [];
  const blockTarget = (): number => Math.max(1, Math.round(options.blocksPerPage * (0.4 + 1.2 * rng.next())));
  const newPage = (
    idx: number,
    parent: PageParent,
    created: number,
    pageTitle: string,
    isShared: boolean,
  ): PageRecord => {
    const createdBy = author();
    const page: PageRecord = {
      idx,
      id: codec.encode(ID_KIND.page, idx),
      parent,
      title: pageTitle,
      created,
      edited: time(created, now),
      createdBy,
      editedBy: rng.chance(0.7) ? createdBy : author(),
      shared: isShared,
      inTrash: false,
      purged: false,
      hiddenFromSearch: false,
      rev: 0,
      blockTarget: options.blocksPerPage === 0 ? 0 : blockTarget(),
      childPageIdxs: [],
      childDatabaseIdxs: [],
    };
    if (rng.chance(0.4)) page.icon = rng.pick(EMOJIS);
    pages[idx] = page;
    return page;
  };

  // Standalone pages, nested: 0 and 1 at the top level, 2 under 1, 3 under 2, then a random forest.
  for (let i = 0; i < standalone; i++) {
    let parentIdx: number | undefined;
    if (i === 2 || i === 3) parentIdx = i - 1;
    else if (i > 3 && !rng.chance(0.25))
      parentIdx = rng.chance(0.5) ? rng.int(Math.max(0, i - 8), i - 1) : rng.int(0, i - 1);
    const parentPage = parentIdx === undefined ? undefined : pages[parentIdx];
    const created = parentPage
      ? time(parentPage.created, parentPage.created + (now - parentPage.created) * 0.5)
      : time(yearAgo, yearAgo + 330 * DAY_MS);
    const page = newPage(
      i,
      parentPage ? { type: 'page', pageIdx: parentPage.idx } : { type: 'workspace' },
      created,
      i === 0 ? 'Home' : randomTitle(rng),
      true,
    );
    parentPage?.childPageIdxs.push(page.idx);
  }

  // Databases and data sources: DB0 holds two data sources (Projects, Tasks), DB1 one (Notes).
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
    const created = time(from, from + 10 * DAY_MS);
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
  for (let k = 0; k < nDs; k++) {
    let db: DatabaseRecord;
    const last = databases[databases.length - 1];
    if (k === 1 && last) db = last;
    else if (k >= 3 && last && last.dataSourceIdxs.length === 1 && rng.chance(0.2)) db = last;
    else db = newDatabase();
    const created = time(db.created, db.created + DAY_MS);
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
  buildSchemas(rng, codec, dataSources);

  // Rows: Tasks gets the relation targets; every data source at least two rows.
  const counts = dataSources.map((_, k) => (k === 1 ? relationTargets + 2 : 2));
  let leftover = rows - counts.reduce((a, b) => a + b, 0);
  const weights = dataSources.map(() => 0.2 + rng.next());
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const extra = weights.map((w) => Math.floor((leftover * w) / weightSum));
  extra.forEach((e, k) => {
    counts[k] = (counts[k] ?? 0) + e;
    leftover -= e;
  });
  counts[0] = (counts[0] ?? 0) + leftover;
  let next = standalone;
  dataSources.forEach((ds, k) => {
    const uniqueProperty = ds.properties.find((p) => p.type === 'unique_id');
    for (let r = 0; r < (counts[k] ?? 0); r++) {
      const created = time(ds.created, now - HOUR_MS);
      const rowTitle = k === 1 ? `Task ${r + 1}: ${randomTitle(rng)}` : randomTitle(rng);
      const page = newPage(next++, { type: 'data_source', dataSourceIdx: k }, created, rowTitle, true);
      if (uniqueProperty) page.uniqueNumber = r + 1;
      ds.rowIdxs.push(page.idx);
    }
  });

  // Unshared pages at the top level: some hold synced originals referenced from shared pages.
  for (let i = unsharedFrom; i < total; i++) {
    const page = newPage(
      i,
      { type: 'workspace' },
      time(yearAgo, now - DAY_MS),
      `Private ${randomTitle(rng)}`,
      false,
    );
    page.blockTarget = Math.min(page.blockTarget, 5);
    page.specials = { syncedOriginals: 1 };
  }

  buildRelations(rng, dataSources, pages, relationTargets);
  assignSpecials(options, codec, pages, standalone, unsharedFrom, total);

  return {
    options,
    codec,
    workspaceId: codec.encode(ID_KIND.workspace, 0),
    users,
    integrationUserIdx,
    authorIdxs,
    databases,
    dataSources,
    pages,
    unsharedFrom,
  };
}

function buildSchemas(rng: Random, codec: IdCodec, dataSources: DataSourceRecord[]): void {
  const projects = dataSources[0];
  const tasks = dataSources[1];
  if (!projects || !tasks) throw new Error('a workspace needs at least two data sources');
  // Projects: every property type.
  const p = new SchemaBuilder(rng, codec, 0);
  p.add('title', 'Name');
  p.add('rich_text', 'Description');
  p.add('number', 'Budget');
  p.add('select', 'Stage');
  p.add('multi_select', 'Tags');
  p.add('status', 'Status');
  p.add('date', 'Due');
  p.add('people', 'Owners');
  p.add('files', 'Attachments');
  p.add('checkbox', 'Archived?');
  p.add('url', 'Website');
  p.add('email', 'Contact');
  p.add('phone_number', 'Phone');
  p.add('formula', 'Summary');
  const t = new SchemaBuilder(rng, codec, 1);
  t.add('title', 'Task');
  const taskProject = t.add('relation', 'Project');
  const projectTasks = p.add('relation', 'Tasks');
  projectTasks.relation = {
    dataSourceIdx: 1,
    syncedPropertyId: taskProject.id,
    syncedPropertyName: taskProject.name,
  };
  taskProject.relation = {
    dataSourceIdx: 0,
    syncedPropertyId: projectTasks.id,
    syncedPropertyName: projectTasks.name,
  };
  const taskTitle = t.properties[0] as PropertyDefinition;
  p.add('rollup', 'Task count', {
    rollup: {
      relationPropertyId: projectTasks.id,
      relationPropertyName: projectTasks.name,
      rollupPropertyId: taskTitle.id,
      rollupPropertyName: taskTitle.name,
    },
  });
  p.add('created_time', 'Created');
  p.add('created_by', 'Created by');
  p.add('last_edited_time', 'Last edited');
  p.add('last_edited_by', 'Last edited by');
  p.add('unique_id', 'ID', { uniqueIdPrefix: 'PRJ' });
  projects.properties = p.properties;

  t.add('status', 'Status');
  t.add('people', 'Assignee');
  t.add('date', 'Due');
  t.add('checkbox', 'Done');
  t.add('number', 'Points');
  t.add('unique_id', 'Key', { uniqueIdPrefix: 'TSK' });
  tasks.properties = t.properties;

  for (const ds of dataSources.slice(2)) {
    const b = new SchemaBuilder(rng, codec, ds.idx);
    b.add('title', ds.idx === 2 ? 'Title' : 'Name');
    for (const type of rng.sample(GENERIC_TYPES, rng.int(4, 9)))
      b.add(type, `${type.replace(/_/g, ' ')} ${ds.idx}`);
    ds.properties = b.properties;
  }
}

function buildRelations(
  rng: Random,
  dataSources: DataSourceRecord[],
  pages: PageRecord[],
  relationTargets: number,
): void {
  const projects = dataSources[0];
  const tasks = dataSources[1];
  if (!projects || !tasks) return;
  const forward = projects.properties.find((p) => p.type === 'relation');
  const back = tasks.properties.find((p) => p.type === 'relation');
  if (!forward || !back) return;
  const backRefs = new Map<number, number[]>();
  projects.rowIdxs.forEach((rowIdx, r) => {
    const targets =
      r === 0 ? tasks.rowIdxs.slice(0, relationTargets) : rng.sample(tasks.rowIdxs, rng.int(0, 5));
    const page = pages[rowIdx];
    if (!page) return;
    page.relations = { [forward.id]: targets };
    if (r === 0) page.longRichText = true;
    for (const target of targets) backRefs.set(target, [...(backRefs.get(target) ?? []), rowIdx]);
  });
  for (const rowIdx of tasks.rowIdxs) {
    const page = pages[rowIdx];
    if (page) page.relations = { [back.id]: backRefs.get(rowIdx) ?? [] };
  }
}

function assignSpecials(
  options: ResolvedWorkspaceOptions,
  codec: IdCodec,
  pages: PageRecord[],
  standalone: number,
  unsharedFrom: number,
  total: number,
): void {
  const special = (idx: number): NonNullable<PageRecord['specials']> => {
    const page = pages[idx] as PageRecord;
    page.specials ??= {};
    return page.specials;
  };
  Object.assign(special(0), {
    forcedComments: true,
    unsupported: true,
    transcription: true,
    linkedDatabaseIds: [codec.encode(ID_KIND.database, LINKED_DATABASE_IDX)],
  });
  Object.assign(special(1), { syncedOriginals: 1, deepChain: options.maxDepth });
  special(2).syncedReferences = [blockId(codec, 1, 0), blockId(codec, unsharedFrom, 0)];
  // Larger workspaces repeat the quirks every so often.
  for (let i = 4; i < standalone; i++) {
    if (i % 20 === 4) special(i).syncedOriginals = 1;
    if (i % 20 === 9) special(i).syncedReferences = [blockId(codec, i - 5, 0)];
    if (i % 50 === 17) special(i).unsupported = true;
    if (i % 40 === 23 && total > unsharedFrom + 1) {
      special(i).syncedReferences = [blockId(codec, unsharedFrom + 1 + (i % (total - unsharedFrom - 1)), 0)];
    }
  }
  // Timestamps keep MINUTE granularity.
  for (const page of pages) {
    if (page.edited < page.created) page.edited = page.created;
    if (page.created % MINUTE_MS !== 0) throw new Error('timestamps must be minute-rounded');
  }
}
