import type { BlockNode, PageContent } from './content.js';
import type { WorkspaceData } from './generate.js';
import type { SearchSnapshot } from './model.js';
import type { PageContentStore } from './page-content-store.js';

/** A record as search indexes it: its current state and the states search still shows. */
export interface SearchIndexed {
  edited: number;
  inTrash?: boolean;
  searchHistory?: SearchSnapshot[];
}

/**
 * What the integration can see: pages shared with it (through their ancestors) and not purged,
 * the databases and data sources under them, and the blocks listed as children.
 */
export class Visibility {
  private readonly data: WorkspaceData;
  private readonly revision: () => number;
  private readonly store: PageContentStore;
  private accessCache = new Map<number, boolean>();
  private accessCacheRevision = -1;

  /** `revision` is the workspace's mutation counter: access is memoized until it changes. */
  constructor(data: WorkspaceData, revision: () => number, store: PageContentStore) {
    this.data = data;
    this.revision = revision;
    this.store = store;
  }

  private accessMemo(): Map<number, boolean> {
    if (this.accessCacheRevision !== this.revision()) {
      this.accessCache = new Map();
      this.accessCacheRevision = this.revision();
    }
    return this.accessCache;
  }

  /** Shared with the integration (through its ancestors) and not purged: GET answers 200. */
  pageAccessible(pageIdx: number): boolean {
    const memo = this.accessMemo();
    const known = memo.get(pageIdx);
    if (known !== undefined) return known;
    const page = this.data.pages[pageIdx];
    let result = false;
    if (page?.shared && !page.purged) {
      const parent = page.parent;
      if (parent.type === 'workspace') result = true;
      else if (parent.type === 'page') result = this.pageAccessible(parent.pageIdx);
      else {
        const ds = this.data.dataSources[parent.dataSourceIdx];
        result = ds !== undefined && this.databaseAccessible(ds.databaseIdx);
      }
    }
    memo.set(pageIdx, result);
    return result;
  }

  databaseAccessible(databaseIdx: number): boolean {
    const db = this.data.databases[databaseIdx];
    if (!db) return false;
    return db.parent.type === 'workspace' || this.pageAccessible(db.parent.pageIdx);
  }

  dataSourceAccessible(dataSourceIdx: number): boolean {
    const ds = this.data.dataSources[dataSourceIdx];
    return ds !== undefined && this.databaseAccessible(ds.databaseIdx);
  }

  /** Whether a listed child (block children) is shown: trashed blocks and pages are not. */
  childVisible(node: BlockNode): boolean {
    if (node.inTrash) return false;
    if (node.type === 'child_page' && node.targetPageIdx !== undefined) {
      const page = this.data.pages[node.targetPageIdx];
      return page !== undefined && !page.inTrash && this.pageAccessible(page.idx);
    }
    if (node.type === 'child_database' && node.targetDatabaseIdx !== undefined) {
      return this.databaseAccessible(node.targetDatabaseIdx);
    }
    return true;
  }

  /** Visible children of a page or block, in order. */
  children(content: PageContent, parentId: string): BlockNode[] {
    const ids =
      content.pageIdx !== undefined && this.data.pages[content.pageIdx]?.id === parentId
        ? content.roots
        : (content.blocks.get(parentId)?.children ?? []);
    const out: BlockNode[] = [];
    for (const id of ids) {
      const node = content.blocks.get(id);
      if (node && this.childVisible(node)) out.push(node);
    }
    return out;
  }

  hasChildren(content: PageContent, node: BlockNode): boolean {
    if (node.type === 'unsupported') return node.claimsChildren === true;
    if (node.type === 'child_page') return true;
    if (node.type === 'child_database') return false;
    if (node.type === 'synced_block' && node.syncedFrom) {
      const original = this.store.findBlock(node.syncedFrom);
      return original ? this.children(original.content, original.node.id).length > 0 : true;
    }
    return this.children(content, node.id).length > 0;
  }
}

/** State seen by search at emulated time `asOf` (index lag). */
export function searchStateAt(
  record: SearchIndexed,
  asOf: number,
): { edited: number; inTrash: boolean; existed: boolean } {
  const pending = record.searchHistory?.find((s) => s.at > asOf);
  if (pending) return { edited: pending.edited, inTrash: pending.inTrash, existed: pending.existed };
  return { edited: record.edited, inTrash: record.inTrash ?? false, existed: true };
}
