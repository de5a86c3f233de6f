import { appendBlocks, deleteBlock, type EditBlockChanges, editBlock, moveBlock } from './block-mutations.js';
import { type AddCommentOptions, addComment, resolveComment } from './comment-mutations.js';
import type { BlockNode, BlockType, PageContent } from './content.js';
import {
  type AddDataSourceOptions,
  type AddPageOptions,
  addDataSource,
  addPage,
} from './creation-mutations.js';
import { generateWorkspaceData, type WorkspaceData } from './generate.js';
import type { DatabaseRecord, DataSourceRecord, PageRecord, PropertyType, UserRecord } from './model.js';
import { movePage } from './move-page.js';
import type { MutationContext } from './mutation-context.js';
import type { MutationListener, WorkspaceMutationName } from './mutation-listener.js';
import type { ResolvedWorkspaceOptions, WorkspaceOptions } from './options.js';
import { type FoundBlock, type FoundComment, PageContentStore } from './page-content-store.js';
import {
  type EditPageChanges,
  editPage,
  hideFromSearch,
  purgePage,
  restorePage,
  sharePage,
  trashPage,
  unsharePage,
} from './page-mutations.js';
import { databaseById, dataSourceById, pageById, userById } from './record-lookup.js';
import { addProperty, renameProperty, retypeProperty } from './schema-mutations.js';
import { type SearchIndexed, searchStateAt, Visibility } from './visibility.js';

/**
 * The emulated workspace: compact records plus lazily derived block trees. Mutations bump
 * `last_edited_time` to the emulated minute, like Notion. The class is the one surface; the work
 * is done by its parts: the records come from generate.ts, page contents from PageContentStore,
 * what the integration sees from Visibility, and each mutation from its `*-mutations.ts` file.
 */
export class Workspace {
  readonly data: WorkspaceData;
  readonly options: ResolvedWorkspaceOptions;
  /** Increments on every mutation (cache key). */
  revision = 0;
  private clock: () => number = () => Date.now();
  private readonly store: PageContentStore;
  private readonly visibility: Visibility;
  private readonly mutation: MutationContext;
  private readonly listeners = new Set<MutationListener>();

  constructor(options: WorkspaceOptions = {}) {
    this.data = generateWorkspaceData(options);
    this.options = this.data.options;
    this.store = new PageContentStore(this.data);
    this.visibility = new Visibility(this.data, () => this.revision, this.store);
    this.mutation = {
      data: this.data,
      store: this.store,
      now: () => this.clock(),
      bumpRevision: () => {
        this.revision++;
      },
    };
  }

  /** The emulator sets its (time-scaled) clock here; mutations stamp times from it. */
  setClock(clock: () => number): void {
    this.clock = clock;
  }
  now(): number {
    return this.clock();
  }

  /** Hears every mutation from now on (webhooks); returns the function that stops it. */
  onMutation(listener: MutationListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Applies one mutation, telling the listeners before and after (the one place they hear from). */
  private run<T>(op: WorkspaceMutationName, args: readonly unknown[], apply: () => T): T {
    if (this.listeners.size === 0) return apply();
    const after = [...this.listeners].map((listener) => listener({ op, args }));
    const result = apply();
    for (const done of after) done?.(result);
    return result;
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

  // ---------- mutations (each in its own file; the admin API calls these by name) ----------

  /** Edits a page's properties (all derived values change) and optionally its title. */
  editPage(id: string, changes: EditPageChanges = {}): void {
    this.run('editPage', [id, changes], () => editPage(this.mutation, id, changes));
  }

  /** Edits a block's content; bumps the block and its page. */
  editBlock(id: string, changes: EditBlockChanges = {}): void {
    this.run('editBlock', [id, changes], () => editBlock(this.mutation, id, changes));
  }

  /** Appends `count` blocks (paragraphs by default) to a page or block; returns their ids. */
  appendBlocks(parentId: string, count = 1, type: BlockType = 'paragraph'): string[] {
    return this.run('appendBlocks', [parentId, count, type], () =>
      appendBlocks(this.mutation, parentId, count, type),
    );
  }

  /** Deletes (trashes) a block: it leaves its parent's children; GET on it answers in_trash. */
  deleteBlock(id: string): void {
    this.run('deleteBlock', [id], () => deleteBlock(this.mutation, id));
  }

  /** Moves a block (with its subtree) under another page or block, possibly in another page. */
  moveBlock(id: string, newParentId: string): void {
    this.run('moveBlock', [id, newParentId], () => moveBlock(this.mutation, id, newParentId));
  }

  /** Moves a page under another page (see movePage). */
  movePage(id: string, newParentId: string): void {
    this.run('movePage', [id, newParentId], () => movePage(this.mutation, id, newParentId));
  }

  trashPage(id: string): void {
    this.run('trashPage', [id], () => trashPage(this.mutation, id));
  }

  restorePage(id: string): void {
    this.run('restorePage', [id], () => restorePage(this.mutation, id));
  }

  /** Deletes a page for good: 404 from now on, like an unshared page. */
  purgePage(id: string): void {
    this.run('purgePage', [id], () => purgePage(this.mutation, id));
  }

  /** Stops sharing a page (and so its descendants) with the integration: 404. */
  unsharePage(id: string): void {
    this.run('unsharePage', [id], () => unsharePage(this.mutation, id));
  }

  sharePage(id: string): void {
    this.run('sharePage', [id], () => sharePage(this.mutation, id));
  }

  /** Adds an unresolved comment on a page or block (does not bump the page); returns its id. */
  addComment(pageOrBlockId: string, options: AddCommentOptions = {}): string {
    return this.run('addComment', [pageOrBlockId, options], () =>
      addComment(this.mutation, pageOrBlockId, options),
    );
  }

  /** Resolves a comment's whole discussion (the API stops listing it). */
  resolveComment(id: string): void {
    this.run('resolveComment', [id], () => resolveComment(this.mutation, id));
  }

  /** Adds a data source (with a few rows) to a database; returns the data source id. */
  addDataSource(databaseId: string, options: AddDataSourceOptions = {}): string {
    return this.run('addDataSource', [databaseId, options], () =>
      addDataSource(this.mutation, databaseId, options),
    );
  }

  /** Creates a page under a page, a data source (a row) or the workspace (no parent id). */
  addPage(parentId?: string, options: AddPageOptions = {}): string {
    return this.run('addPage', [parentId, options], () => addPage(this.mutation, parentId, options));
  }

  /** Adds a property to a data source's schema (last); returns its id. Rows are not edited. */
  addProperty(dataSourceId: string, type: PropertyType, name: string): string {
    return this.run('addProperty', [dataSourceId, type, name], () =>
      addProperty(this.mutation, dataSourceId, type, name),
    );
  }

  /** Renames a data source's property (by id or name). Rows are not edited. */
  renameProperty(dataSourceId: string, idOrName: string, name: string): void {
    this.run('renameProperty', [dataSourceId, idOrName, name], () =>
      renameProperty(this.mutation, dataSourceId, idOrName, name),
    );
  }

  /** Changes the type of a data source's property (by id or name). Rows are not edited. */
  retypeProperty(dataSourceId: string, idOrName: string, type: PropertyType): void {
    this.run('retypeProperty', [dataSourceId, idOrName, type], () =>
      retypeProperty(this.mutation, dataSourceId, idOrName, type),
    );
  }

  /** Search will never return this page or data source (search is not exhaustive). */
  hideFromSearch(id: string): void {
    this.run('hideFromSearch', [id], () => hideFromSearch(this.mutation, id));
  }
}

export function createWorkspace(options: WorkspaceOptions = {}): Workspace {
  return new Workspace(options);
}
