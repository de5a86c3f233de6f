import type {
  BlockObjectResponse,
  CommentObjectResponse,
  DatabaseObjectResponse,
  DataSourceObjectResponse,
  PageObjectResponse,
  UserObjectResponse,
} from '@notionhq/client';
import { renderBlock } from './render/block.js';
import { renderComment } from './render/comment.js';
import type { RenderContext } from './render/context.js';
import { renderDatabase, renderDataSource } from './render/data-source.js';
import { renderPageMarkdown } from './render/markdown.js';
import { renderPage } from './render/page.js';
import { renderUser } from './render/user.js';
import type { BlockNode, PageContent } from './workspace/content.js';
import type { Workspace } from './workspace/workspace.js';

export type GroundTruthBlock = BlockObjectResponse & { page_id: string; depth: number; ordinal: number };
export type GroundTruthComment = CommentObjectResponse & { page_id: string };
/** A page's whole content as Notion-flavored Markdown v2 (no record limit, no transcripts). */
export interface GroundTruthPageMarkdown {
  id: string;
  markdown: string;
  /** Blocks that stay `<unknown …/>` however they are asked for (synced blocks whose original is not shared). */
  unknown_block_ids: string[];
}

/** Everything a complete capture must contain right now, API-shaped for Notion-Version 2025-09-03. */
export interface GroundTruth {
  users: UserObjectResponse[];
  databases: DatabaseObjectResponse[];
  data_sources: DataSourceObjectResponse[];
  /** Every shared, non-purged page; trashed ones with in_trash: true; complete property values. */
  pages: PageObjectResponse[];
  /** The block trees of the non-trashed pages (see README for what is not descended into). */
  blocks: GroundTruthBlock[];
  /** Unresolved page-level comments of the non-trashed pages. */
  comments: GroundTruthComment[];
  /** Unresolved comments on blocks of those trees. */
  inline_comments: GroundTruthComment[];
  /** The Markdown of every non-trashed page, complete (what `unknown_block_ids` lead to, spliced in). */
  page_markdown: GroundTruthPageMarkdown[];
}

export interface GroundTruthSummary {
  users: number;
  databases: number;
  data_sources: number;
  pages: number;
  trashed_pages: number;
  blocks: number;
  /** Blocks with has_children that a reader must list (the floor's H). */
  blocks_to_descend: number;
  comments: number;
  inline_comments: number;
}

/** Whether a reader descends into a block's children (see the contract). */
export function descends(ws: Workspace, content: PageContent, node: BlockNode): boolean {
  if (node.type === 'child_page' || node.type === 'child_database' || node.type === 'unsupported')
    return false;
  if (node.type === 'synced_block' && node.syncedFrom) return false;
  return ws.hasChildren(content, node);
}

interface Visitor {
  page(pageIdx: number): void;
  block(node: BlockNode, content: PageContent, depth: number, ordinal: number, pageId: string): void;
}

function walk(ws: Workspace, visitor: Visitor): void {
  for (const page of ws.pages) {
    if (!ws.pageAccessible(page.idx)) continue;
    visitor.page(page.idx);
    if (page.inTrash) continue;
    const content = ws.content(page.idx);
    const visit = (parentId: string, depth: number): void => {
      ws.children(content, parentId).forEach((node, ordinal) => {
        visitor.block(node, content, depth, ordinal, page.id);
        if (descends(ws, content, node)) visit(node.id, depth + 1);
      });
    };
    visit(page.id, 1);
  }
}

function commentsOf(content: PageContent, parentId: string) {
  return content.comments
    .filter((c) => c.parentId === parentId && !c.resolved)
    .sort((a, b) => a.created - b.created);
}

export function buildGroundTruth(ws: Workspace, now: number): GroundTruth {
  const ctx: RenderContext = { ws, now };
  const truth: GroundTruth = {
    users: ws.users.filter((u) => u.listed).map((u) => renderUser(ws, u)),
    databases: ws.databases
      .filter((db) => ws.databaseAccessible(db.idx) && db.dataSourceIdxs.length > 0)
      .map((db) => renderDatabase(ctx, db)),
    data_sources: ws.dataSources
      .filter((ds) => ws.dataSourceAccessible(ds.idx))
      .map((ds) => renderDataSource(ctx, ds)),
    pages: [],
    blocks: [],
    comments: [],
    inline_comments: [],
    page_markdown: [],
  };
  walk(ws, {
    page(pageIdx) {
      const page = ws.pages[pageIdx];
      if (!page) return;
      truth.pages.push(renderPage(ctx, page, { complete: true }));
      if (page.inTrash) return;
      const md = renderPageMarkdown(ctx, page, { recordLimit: null, includeTranscript: false });
      truth.page_markdown.push({ id: page.id, markdown: md.markdown, unknown_block_ids: md.unknownBlockIds });
      for (const c of commentsOf(ws.content(pageIdx), page.id))
        truth.comments.push({ ...renderComment(ctx, c), page_id: page.id });
    },
    block(node, content, depth, ordinal, pageId) {
      truth.blocks.push({ ...renderBlock(ctx, node, content), page_id: pageId, depth, ordinal });
      for (const c of commentsOf(content, node.id))
        truth.inline_comments.push({ ...renderComment(ctx, c), page_id: pageId });
    },
  });
  return truth;
}

/** Counts only: cheap for the large presets (nothing rendered). */
export function summarizeGroundTruth(ws: Workspace): GroundTruthSummary {
  const summary: GroundTruthSummary = {
    users: ws.users.filter((u) => u.listed).length,
    databases: ws.databases.filter((db) => ws.databaseAccessible(db.idx) && db.dataSourceIdxs.length > 0)
      .length,
    data_sources: ws.dataSources.filter((ds) => ws.dataSourceAccessible(ds.idx)).length,
    pages: 0,
    trashed_pages: 0,
    blocks: 0,
    blocks_to_descend: 0,
    comments: 0,
    inline_comments: 0,
  };
  walk(ws, {
    page(pageIdx) {
      const page = ws.pages[pageIdx];
      if (!page) return;
      summary.pages++;
      if (page.inTrash) {
        summary.trashed_pages++;
        return;
      }
      summary.comments += commentsOf(ws.content(pageIdx), page.id).length;
    },
    block(node, content) {
      summary.blocks++;
      if (descends(ws, content, node)) summary.blocks_to_descend++;
      summary.inline_comments += commentsOf(content, node.id).length;
    },
  });
  return summary;
}
