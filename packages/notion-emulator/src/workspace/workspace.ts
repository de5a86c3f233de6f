import { createRandom, hashInts } from '../random.js';
import { floorToMinute } from '../time.js';
import { type BlockNode, type BlockType, blockId, type CommentNode, type PageContent } from './content.js';
import { generateWorkspaceData, type WorkspaceData } from './generate.js';
import { ID_KIND, normalizeUuid } from './ids.js';
import type { DatabaseRecord, DataSourceRecord, PageRecord, UserRecord } from './model.js';
import type { ResolvedWorkspaceOptions, WorkspaceOptions } from './options.js';
import { type FoundBlock, type FoundComment, PageContentStore } from './page-content-store.js';
import { databaseById, dataSourceById, pageById, userById } from './record-lookup.js';
import { SchemaBuilder } from './schema.js';
import { type SearchIndexed, searchStateAt, Visibility } from './visibility.js';
import { title as randomTitle } from './words.js';
import { WorkspaceError } from './workspace-error.js';

const HISTORY = 8;

export interface EditPageChanges {
  title?: string;
}
export interface EditBlockChanges {
  text?: string;
}
export interface AddCommentOptions {
  text?: string;
  /** Reply in an existing discussion instead of starting one. */
  discussionId?: string;
}
export interface AddDataSourceOptions {
  title?: string;
  /** New rows (pages) created in it. Default 2. */
  rows?: number;
}
export interface AddPageOptions {
  title?: string;
  blocks?: number;
}

/**
 * The emulated workspace: compact records plus lazily derived block trees. Mutations bump
 * `last_edited_time` to the emulated minute, like Notion.
 */
export class Workspace {
  readonly data: WorkspaceData;
  readonly options: ResolvedWorkspaceOptions;
  /** Increments on every mutation (cache key). */
  revision = 0;
  private clock: () => number = () => Date.now();
  private readonly store: PageContentStore;
  private readonly visibility: Visibility;

  constructor(options: WorkspaceOptions = {}) {
    this.data = generateWorkspaceData(options);
    this.options = this.data.options;
    this.store = new PageContentStore(this.data);
    this.visibility = new Visibility(this.data, () => this.revision, this.store);
  }

  /** The emulator sets its (time-scaled) clock here; mutations stamp times from it. */
  setClock(clock: () => number): void {
    this.clock = clock;
  }
  now(): number {
    return this.clock();
  }

  // ---------- lookups ----------

  get users(): readonly UserRecord[] {
    return this.data.users;
  }
  get pages(): readonly PageRecord[] {
    return this.data.pages;
  }
  get databases(): readonly DatabaseRecord[] {
    return this.data.databases;
  }
  get dataSources(): readonly DataSourceRecord[] {
    return this.data.dataSources;
  }
  get integrationUser(): UserRecord {
    return this.data.users[this.data.integrationUserIdx] as UserRecord;
  }

  decode(id: string): ReturnType<WorkspaceData['codec']['decode']> {
    return this.data.codec.decode(id);
  }

  userById(id: string): UserRecord | undefined {
    return userById(this.data, id);
  }
  pageById(id: string): PageRecord | undefined {
    return pageById(this.data, id);
  }
  databaseById(id: string): DatabaseRecord | undefined {
    return databaseById(this.data, id);
  }
  dataSourceById(id: string): DataSourceRecord | undefined {
    return dataSourceById(this.data, id);
  }

  /** The block tree and comments of a page (derived from the seed unless mutated). */
  content(pageIdx: number): PageContent {
    return this.store.content(pageIdx);
  }

  /** A block by id (block ids only; page and database ids are handled by the caller). */
  findBlock(id: string): FoundBlock | undefined {
    return this.store.findBlock(id);
  }

  findComment(id: string): FoundComment | undefined {
    return this.store.findComment(id);
  }

  // ---------- visibility ----------

  /** Shared with the integration (through its ancestors) and not purged: GET answers 200. */
  pageAccessible(pageIdx: number): boolean {
    return this.visibility.pageAccessible(pageIdx);
  }
  databaseAccessible(databaseIdx: number): boolean {
    return this.visibility.databaseAccessible(databaseIdx);
  }
  dataSourceAccessible(dataSourceIdx: number): boolean {
    return this.visibility.dataSourceAccessible(dataSourceIdx);
  }

  /** Whether a listed child (block children) is shown: trashed blocks and pages are not. */
  childVisible(node: BlockNode): boolean {
    return this.visibility.childVisible(node);
  }

  /** Visible children of a page or block, in order. */
  children(content: PageContent, parentId: string): BlockNode[] {
    return this.visibility.children(content, parentId);
  }

  hasChildren(content: PageContent, node: BlockNode): boolean {
    return this.visibility.hasChildren(content, node);
  }

  /** State seen by search at emulated time `asOf` (index lag). */
  searchState(record: SearchIndexed, asOf: number): { edited: number; inTrash: boolean; existed: boolean } {
    return searchStateAt(record, asOf);
  }

  // ---------- mutations ----------

  private stamp(previous: number): number {
    return Math.max(previous, floorToMinute(this.clock()));
  }

  private remember(record: SearchIndexed, existed = true): void {
    const history = record.searchHistory ?? [];
    history.push({ at: this.clock(), edited: record.edited, inTrash: record.inTrash ?? false, existed });
    if (history.length > HISTORY) history.shift();
    record.searchHistory = history;
  }

  private touchPage(page: PageRecord, by?: number): void {
    this.remember(page);
    page.edited = this.stamp(page.edited);
    page.editedBy = by ?? page.createdBy;
    this.revision++;
  }

  private requirePage(id: string): PageRecord {
    const page = this.pageById(id);
    if (!page) throw new WorkspaceError(`no page with id ${id}`);
    return page;
  }

  private requireBlock(id: string): FoundBlock {
    const found = this.findBlock(id);
    if (!found) throw new WorkspaceError(`no block with id ${id}`);
    return found;
  }

  /** Edits a page's properties (all derived values change) and optionally its title. */
  editPage(id: string, changes: EditPageChanges = {}): void {
    const page = this.requirePage(id);
    page.rev++;
    if (changes.title !== undefined) page.title = changes.title;
    this.touchPage(page);
  }

  /** Edits a block's content; bumps the block and its page. */
  editBlock(id: string, changes: EditBlockChanges = {}): void {
    const { node, content } = this.requireBlock(id);
    this.store.pin(content.pageIdx);
    node.rev++;
    if (changes.text !== undefined) node.text = changes.text;
    node.edited = this.stamp(node.edited);
    this.touchPage(this.data.pages[content.pageIdx] as PageRecord);
  }

  /** Appends `count` paragraphs to a page or block; returns their ids. */
  appendBlocks(parentId: string, count = 1, type: BlockType = 'paragraph'): string[] {
    const parentPage = this.pageById(parentId);
    let content: PageContent;
    let parentNode: BlockNode | undefined;
    if (parentPage) content = this.store.pin(parentPage.idx);
    else {
      const found = this.requireBlock(parentId);
      content = this.store.pin(found.content.pageIdx);
      parentNode = found.node;
    }
    const page = this.data.pages[content.pageIdx] as PageRecord;
    const at = this.stamp(page.created);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const node: BlockNode = {
        id: blockId(this.data.codec, content.pageIdx, content.nextBlockIdx++),
        type,
        parentId: parentNode ? parentNode.id : page.id,
        pageIdx: content.pageIdx,
        children: [],
        created: at,
        edited: at,
        createdBy: page.createdBy,
        editedBy: page.createdBy,
        inTrash: false,
        rev: 0,
        seed: hashInts(this.options.seed, content.pageIdx, content.nextBlockIdx),
      };
      content.blocks.set(node.id, node);
      (parentNode ? parentNode.children : content.roots).push(node.id);
      ids.push(node.id);
    }
    if (parentNode) parentNode.edited = this.stamp(parentNode.edited);
    this.touchPage(page);
    return ids;
  }

  /** Deletes (trashes) a block: it leaves its parent's children; GET on it answers in_trash. */
  deleteBlock(id: string): void {
    const { node, content } = this.requireBlock(id);
    this.store.pin(content.pageIdx);
    node.inTrash = true;
    node.edited = this.stamp(node.edited);
    this.touchPage(this.data.pages[content.pageIdx] as PageRecord);
  }

  /** Moves a block (with its subtree) under another page or block, possibly in another page. */
  moveBlock(id: string, newParentId: string): void {
    const { node, content: from } = this.requireBlock(id);
    if (node.type === 'child_page' || node.type === 'child_database')
      throw new WorkspaceError('move pages, not their blocks');
    const targetPage = this.pageById(newParentId);
    let to: PageContent;
    let targetNode: BlockNode | undefined;
    if (targetPage) to = this.store.pin(targetPage.idx);
    else {
      const found = this.requireBlock(newParentId);
      to = this.store.pin(found.content.pageIdx);
      targetNode = found.node;
      for (
        let cursor: BlockNode | undefined = found.node;
        cursor;
        cursor = from.blocks.get(cursor.parentId)
      ) {
        if (cursor.id === node.id) throw new WorkspaceError('cannot move a block under itself');
        if (to !== from) break;
      }
    }
    this.store.pin(from.pageIdx);
    const oldSiblings = from.blocks.get(node.parentId)?.children ?? from.roots;
    const at = oldSiblings.indexOf(node.id);
    if (at >= 0) oldSiblings.splice(at, 1);
    if (to !== from) {
      const moveTree = (n: BlockNode): void => {
        from.blocks.delete(n.id);
        to.blocks.set(n.id, n);
        n.pageIdx = to.pageIdx;
        this.store.recordMove(n.id, to.pageIdx);
        for (const childId of n.children) {
          const child = from.blocks.get(childId);
          if (child) moveTree(child);
        }
      };
      moveTree(node);
    }
    node.parentId = targetNode ? targetNode.id : (this.data.pages[to.pageIdx] as PageRecord).id;
    (targetNode ? targetNode.children : to.roots).push(node.id);
    node.edited = this.stamp(node.edited);
    this.touchPage(this.data.pages[from.pageIdx] as PageRecord);
    if (to !== from) this.touchPage(this.data.pages[to.pageIdx] as PageRecord);
  }

  trashPage(id: string): void {
    const page = this.requirePage(id);
    if (page.inTrash) return;
    this.remember(page);
    page.inTrash = true;
    page.edited = this.stamp(page.edited);
    this.revision++;
  }

  restorePage(id: string): void {
    const page = this.requirePage(id);
    if (!page.inTrash) return;
    this.remember(page);
    page.inTrash = false;
    page.edited = this.stamp(page.edited);
    this.revision++;
  }

  /** Deletes a page for good: 404 from now on, like an unshared page. */
  purgePage(id: string): void {
    const page = this.requirePage(id);
    page.purged = true;
    this.revision++;
  }

  /** Stops sharing a page (and so its descendants) with the integration: 404. */
  unsharePage(id: string): void {
    this.requirePage(id).shared = false;
    this.revision++;
  }

  sharePage(id: string): void {
    this.requirePage(id).shared = true;
    this.revision++;
  }

  /** Adds an unresolved comment on a page or block (does not bump the page); returns its id. */
  addComment(pageOrBlockId: string, options: AddCommentOptions = {}): string {
    const page = this.pageById(pageOrBlockId);
    const content = page
      ? this.store.pin(page.idx)
      : this.store.pin(this.requireBlock(pageOrBlockId).content.pageIdx);
    const parentId = page ? page.id : (normalizeUuid(pageOrBlockId) as string);
    const at = floorToMinute(this.clock());
    const discussionId =
      options.discussionId ??
      this.data.codec.encode(ID_KIND.discussion, content.pageIdx, content.nextDiscussionIdx++);
    const comment: CommentNode = {
      id: this.data.codec.encode(ID_KIND.comment, content.pageIdx, content.nextCommentIdx++),
      discussionId,
      parentId,
      pageIdx: content.pageIdx,
      created: at,
      edited: at,
      createdBy: (this.data.pages[content.pageIdx] as PageRecord).createdBy,
      resolved: false,
      seed: hashInts(this.options.seed, 0xc0, content.pageIdx, content.nextCommentIdx),
    };
    if (options.text !== undefined) comment.text = options.text;
    content.comments.push(comment);
    this.revision++;
    return comment.id;
  }

  /** Resolves a comment's whole discussion (the API stops listing it). */
  resolveComment(id: string): void {
    const found = this.findComment(id);
    if (!found) throw new WorkspaceError(`no comment with id ${id}`);
    this.store.pin(found.content.pageIdx);
    for (const c of found.content.comments)
      if (c.discussionId === found.comment.discussionId) c.resolved = true;
    this.revision++;
  }

  /** Adds a data source (with a few rows) to a database; returns the data source id. */
  addDataSource(databaseId: string, options: AddDataSourceOptions = {}): string {
    const db = this.databaseById(databaseId);
    if (!db) throw new WorkspaceError(`no database with id ${databaseId}`);
    const idx = this.data.dataSources.length;
    const rng = createRandom(hashInts(this.options.seed, 0xad, idx));
    const at = floorToMinute(this.clock());
    const builder = new SchemaBuilder(rng, this.data.codec, idx);
    builder.add('title', 'Name');
    builder.add('select', 'Stage');
    builder.add('date', 'When');
    builder.add('checkbox', 'Done');
    const ds: DataSourceRecord = {
      idx,
      id: this.data.codec.encode(ID_KIND.dataSource, idx),
      databaseIdx: db.idx,
      title: options.title ?? randomTitle(rng),
      created: at,
      edited: at,
      createdBy: db.createdBy,
      editedBy: db.createdBy,
      properties: builder.properties,
      rowIdxs: [],
      hiddenFromSearch: false,
      searchHistory: [{ at: this.clock(), edited: at, inTrash: false, existed: false }],
    };
    this.data.dataSources.push(ds);
    db.dataSourceIdxs.push(idx);
    db.edited = this.stamp(db.edited);
    for (let r = 0; r < (options.rows ?? 2); r++) this.addPage(ds.id);
    this.revision++;
    return ds.id;
  }

  /** Creates a page under a page, a data source (a row) or the workspace (no parent id). */
  addPage(parentId?: string, options: AddPageOptions = {}): string {
    const idx = this.data.pages.length;
    const rng = createRandom(hashInts(this.options.seed, 0xaf, idx));
    const at = floorToMinute(this.clock());
    let parent: PageRecord['parent'] = { type: 'workspace' };
    const parentPage = parentId ? this.pageById(parentId) : undefined;
    const parentDs = parentId && !parentPage ? this.dataSourceById(parentId) : undefined;
    if (parentId && !parentPage && !parentDs)
      throw new WorkspaceError(`no page or data source with id ${parentId}`);
    if (parentPage) parent = { type: 'page', pageIdx: parentPage.idx };
    if (parentDs) parent = { type: 'data_source', dataSourceIdx: parentDs.idx };
    const createdBy = this.data.authorIdxs[0] ?? 0;
    const page: PageRecord = {
      idx,
      id: this.data.codec.encode(ID_KIND.page, idx),
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
      searchHistory: [{ at: this.clock(), edited: at, inTrash: false, existed: false }],
    };
    if (parentDs) {
      parentDs.rowIdxs.push(idx);
      if (parentDs.properties.some((p) => p.type === 'unique_id'))
        page.uniqueNumber = parentDs.rowIdxs.length;
    }
    this.data.pages.push(page);
    if (parentPage) {
      const content = this.store.pin(parentPage.idx);
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
      this.touchPage(parentPage);
    }
    this.revision++;
    return page.id;
  }

  /** Search will never return this page or data source (search is not exhaustive). */
  hideFromSearch(id: string): void {
    const record = this.pageById(id) ?? this.dataSourceById(id);
    if (!record) throw new WorkspaceError(`no page or data source with id ${id}`);
    record.hiddenFromSearch = true;
    this.revision++;
  }
}

export function createWorkspace(options: WorkspaceOptions = {}): Workspace {
  return new Workspace(options);
}
