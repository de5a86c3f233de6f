import {
  type BlockNode,
  buildPageContent,
  type CommentNode,
  type ContentContext,
  type PageContent,
} from './content.js';
import type { WorkspaceData } from './generate.js';
import { ID_KIND, normalizeUuid } from './ids.js';
import { WorkspaceError } from './workspace-error.js';

const CACHE_PAGES = 256;

/** A block as found by id: the node and the page content holding it. */
export interface FoundBlock {
  node: BlockNode;
  content: PageContent;
}

/** A comment as found by id: the comment and the page content holding it. */
export interface FoundComment {
  comment: CommentNode;
  content: PageContent;
}

/**
 * The block trees and comments of the pages. A page's content is derived from the seed on demand
 * and kept in a small LRU cache; once mutated it is pinned (kept for good, never derived again).
 */
export class PageContentStore {
  private readonly data: WorkspaceData;
  private readonly cache = new Map<number, PageContent>();
  private readonly pinned = new Map<number, PageContent>();
  /** Blocks moved to another page: their ids still decode to the page they were born in. */
  private readonly movedBlocks = new Map<string, number>();
  private readonly contentContext: ContentContext;

  constructor(data: WorkspaceData) {
    this.data = data;
    const linkable: number[] = [];
    for (let i = 0; i < Math.min(data.unsharedFrom, 200); i++) linkable.push(i);
    this.contentContext = {
      seed: data.options.seed,
      childPagesInBlocks: data.options.childPagesInBlocks,
      codec: data.codec,
      pages: data.pages,
      linkablePageIdxs: linkable,
      authorIdxs: data.authorIdxs,
    };
  }

  /** The block tree and comments of a page (derived from the seed unless mutated). */
  content(pageIdx: number): PageContent {
    const pinned = this.pinned.get(pageIdx);
    if (pinned) return pinned;
    const cached = this.cache.get(pageIdx);
    if (cached) {
      this.cache.delete(pageIdx);
      this.cache.set(pageIdx, cached);
      return cached;
    }
    const page = this.data.pages[pageIdx];
    if (!page) throw new WorkspaceError(`no page ${pageIdx}`);
    const built = buildPageContent(this.contentContext, page);
    this.cache.set(pageIdx, built);
    if (this.cache.size > CACHE_PAGES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return built;
  }

  /** The content of a page about to be mutated: kept from now on, never evicted. */
  pin(pageIdx: number): PageContent {
    const content = this.content(pageIdx);
    this.pinned.set(pageIdx, content);
    this.cache.delete(pageIdx);
    return content;
  }

  /** Records that a block now lives in another page's content. */
  recordMove(blockId: string, pageIdx: number): void {
    this.movedBlocks.set(blockId, pageIdx);
  }

  /** A block by id (block ids only; page and database ids are handled by the caller). */
  findBlock(id: string): FoundBlock | undefined {
    const normalized = normalizeUuid(id);
    if (!normalized) return undefined;
    const d = this.data.codec.decode(normalized);
    if (d?.kind !== ID_KIND.block) return undefined;
    const pageIdx = this.movedBlocks.get(normalized) ?? d.a;
    if (!this.data.pages[pageIdx]) return undefined;
    const content = this.content(pageIdx);
    const node = content.blocks.get(normalized);
    return node ? { node, content } : undefined;
  }

  findComment(id: string): FoundComment | undefined {
    const d = this.data.codec.decode(id);
    if (d?.kind !== ID_KIND.comment || !this.data.pages[d.a]) return undefined;
    const content = this.content(d.a);
    const comment = content.comments.find((c) => c.id === normalizeUuid(id));
    return comment ? { comment, content } : undefined;
  }
}
