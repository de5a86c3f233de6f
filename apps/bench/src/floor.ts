import type { BlockShape, WorkspaceShape } from './workspace-shape.js';

/** Results per list page: no read endpoint returns more. */
export const PAGE_SIZE = 100;

/** Block types whose children are not read as part of the page's tree (NOTION-API.md, "The floor"). */
const NOT_DESCENDED = new Set(['child_page', 'child_database', 'unsupported']);

/** The fewest requests of each kind a capture needs (NOTION-API.md, "The floor"). */
export interface FloorBreakdown {
  /** `GET /v1/users/me` plus the user listing. */
  users: number;
  dataSources: number;
  databases: number;
  pageListing: number;
  /**
   * Pages no listing the floor reads returns (search capped or leaving them out): one
   * `GET /v1/pages/{id}` each (a row only when that beats querying its data source). 0 when search
   * lists every page.
   */
  pageRetrieves: number;
  blockTrees: number;
  /**
   * Incremental only: the listings that hold the child_page block of a changed page whose parent
   * did not change (the block shows the child's edit time and title; the parent's own
   * last_edited_time does not move). 0 for a backfill, which reads every tree whole.
   */
  childPageBlocks: number;
  comments: number;
  /**
   * page_markdown only: `GET /v1/pages/{id}/markdown` once per non-trashed page, plus once per block
   * the emulator leaves unknown (truncated) and the connector fetches to complete it.
   */
  markdown?: number;
  total: number;
}

/** List calls to read `n` results: an empty list still takes one call. */
export function listCalls(n: number): number {
  return Math.max(1, Math.ceil(n / PAGE_SIZE));
}

/** Whether reading a page's tree needs `GET /v1/blocks/{id}/children` for this block (one of the H blocks). */
export function isDescended(block: BlockShape): boolean {
  return block.hasChildren && !NOT_DESCENDED.has(block.type) && !block.syncedReference;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

interface TreeIndex {
  childCounts: Map<string, number>;
  commentCounts: Map<string, number>;
  /** The descended blocks (H) of each page. */
  descendedByPage: Map<string, BlockShape[]>;
}

function indexTrees(shape: WorkspaceShape): TreeIndex {
  const descendedByPage = new Map<string, BlockShape[]>();
  for (const block of shape.blocks) {
    if (!isDescended(block)) continue;
    const list = descendedByPage.get(block.pageId);
    if (list) list.push(block);
    else descendedByPage.set(block.pageId, [block]);
  }
  return {
    childCounts: countBy(shape.blocks, (block) => block.parentId),
    commentCounts: countBy(shape.comments, (comment) => comment.pageId),
    descendedByPage,
  };
}

/** Block list calls and comment calls for one page: its tree (1 + H, more past 100 children) and its comments. */
function pageCost(pageId: string, index: TreeIndex): { blockTrees: number; comments: number } {
  let blockTrees = listCalls(index.childCounts.get(pageId) ?? 0);
  for (const block of index.descendedByPage.get(pageId) ?? []) {
    blockTrees += listCalls(index.childCounts.get(block.id) ?? 0);
  }
  return { blockTrees, comments: listCalls(index.commentCounts.get(pageId) ?? 0) };
}

function total(parts: Omit<FloorBreakdown, 'total'>): FloorBreakdown {
  return {
    ...parts,
    total:
      parts.users +
      parts.dataSources +
      parts.databases +
      parts.pageListing +
      parts.pageRetrieves +
      parts.blockTrees +
      parts.childPageBlocks +
      parts.comments +
      (parts.markdown ?? 0),
  };
}

/**
 * The floor of a full capture, NOTION-API.md's formula
 * `1 + ⌈U/100⌉ + ⌈S/100⌉ + D + ⌈P/100⌉ + (P + H) + P`, where every list counts at least one call
 * and a page or block with more than 100 children (or a page with more than 100 comments) counts
 * one call per 100: for trees of at most 100 children it is exactly the formula.
 */
export function backfillFloor(shape: WorkspaceShape): FloorBreakdown {
  const index = indexTrees(shape);
  let blockTrees = 0;
  let comments = 0;
  for (const pageId of shape.pages) {
    const cost = pageCost(pageId, index);
    blockTrees += cost.blockTrees;
    comments += cost.comments;
  }
  const listing = shape.search
    ? reachableListing(shape, shape.search)
    : {
        dataSources: listCalls(shape.dataSources.length),
        pageListing: listCalls(shape.pages.length),
        pageRetrieves: 0,
      };
  return total({
    users: 1 + listCalls(shape.users.length),
    databases: shape.databases.length,
    ...listing,
    blockTrees,
    childPageBlocks: 0,
    comments,
  });
}

/** The listing part of a backfill's floor (what finds the pages), as backfillFloor counts it. */
function backfillListing(
  shape: WorkspaceShape,
): Pick<FloorBreakdown, 'dataSources' | 'pageListing' | 'pageRetrieves'> {
  return shape.search
    ? reachableListing(shape, shape.search)
    : {
        dataSources: listCalls(shape.dataSources.length),
        pageListing: listCalls(shape.pages.length),
        pageRetrieves: 0,
      };
}

/**
 * The minimum of a backfill with only the page_markdown binding: the listing that finds the pages
 * (data sources, their databases, the page listing, as in backfillFloor), then one Markdown request
 * per non-trashed page and one per block the endpoint leaves unknown (`markdownUnknownFetches`).
 * No users, no block trees, no comments.
 */
export function markdownFloor(shape: WorkspaceShape): FloorBreakdown {
  const pages = shape.pageMarkdown?.length ?? 0;
  return total({
    users: 0,
    databases: shape.databases.length,
    ...backfillListing(shape),
    blockTrees: 0,
    childPageBlocks: 0,
    comments: 0,
    markdown: pages + (shape.markdownUnknownFetches ?? 0),
  });
}

/** The floor of a backfill with only the blocks binding: the listing and every page's tree. */
export function blocksOnlyFloor(shape: WorkspaceShape): FloorBreakdown {
  const floor = backfillFloor(shape);
  return total({ ...floor, users: 0, comments: 0 });
}

/** Calls to read `n` results of a listing that may have returned none: 0 for none. */
function readCalls(n: number): number {
  return Math.ceil(n / PAGE_SIZE);
}

/**
 * The listing part of the floor when search cannot list everything (`shape.search`: what it did
 * return). Search serves at most its cap of results per listing, so a client reads it newest first
 * to the cap and then oldest first up to what it already has: those calls list the pages in these
 * two windows. A data source query lists its rows (⌈rows/100⌉ calls), unless fetching the rows
 * neither window returned costs less. Every other standalone page is listed by no API: it is met
 * as a child_page block in its parent's tree (read anyway) and costs one `GET /v1/pages/{id}`. Data
 * sources: one search listing, plus one `GET /v1/data_sources/{id}` for each it did not return
 * (found through its database, which the floor retrieves anyway).
 */
function reachableListing(
  shape: WorkspaceShape,
  search: NonNullable<WorkspaceShape['search']>,
): Pick<FloorBreakdown, 'dataSources' | 'pageListing' | 'pageRetrieves'> {
  const listed = new Set([...search.descending, ...search.ascending]);
  const rowsOf = new Map<string, { rows: number; unlisted: number }>();
  let pageRetrieves = 0;
  for (const pageId of shape.pages) {
    const dataSource = shape.rowDataSources?.[pageId];
    if (dataSource === undefined) {
      if (!listed.has(pageId)) pageRetrieves += 1;
      continue;
    }
    const counts = rowsOf.get(dataSource) ?? { rows: 0, unlisted: 0 };
    counts.rows += 1;
    if (!listed.has(pageId)) counts.unlisted += 1;
    rowsOf.set(dataSource, counts);
  }
  let queries = 0;
  for (const { rows, unlisted } of rowsOf.values()) {
    if (unlisted < listCalls(rows)) pageRetrieves += unlisted;
    else queries += listCalls(rows);
  }
  const searchedSources = new Set(search.dataSources);
  const unsearchedSources = shape.dataSources.filter((id) => !searchedSources.has(id)).length;
  return {
    dataSources: listCalls(search.dataSources.length) + unsearchedSources,
    pageListing: listCalls(search.descending.length) + readCalls(search.ascending.length) + queries,
    pageRetrieves,
  };
}

/**
 * Reading the child_page blocks of the changed pages whose parent did not change: such a block is
 * the child page seen as a block (its `last_edited_time` and title are the page's), so the child's
 * edit changes a block of the parent's tree while the parent's own last_edited_time stays
 * (NOTION-API.md). Per listing that holds such blocks, the fewer of one listing of it (⌈n/100⌉
 * calls) and one retrieve per block.
 */
function childPageBlockCalls(shape: WorkspaceShape, changed: ReadonlySet<string>, index: TreeIndex): number {
  const byListing = new Map<string, number>();
  for (const block of shape.blocks) {
    if (block.type !== 'child_page' || !changed.has(block.id) || changed.has(block.pageId)) continue;
    byListing.set(block.parentId, (byListing.get(block.parentId) ?? 0) + 1);
  }
  let calls = 0;
  for (const [listing, blocks] of byListing) {
    calls += Math.min(listCalls(index.childCounts.get(listing) ?? 0), blocks);
  }
  return calls;
}

/**
 * The minimum for an incremental sweep after the pages in `changed` changed (their
 * last_edited_time moved): what has no change filter is read again (users: `users/me` and the
 * listing; data sources: their listing; databases: one retrieve each), the changed pages are found
 * with one listing sorted by last_edited_time that stops at the cursor (⌈C/100⌉ calls), each
 * changed page's tree and comments are read again as in a backfill, and the child_page block of
 * each changed page under an unchanged parent is read again (see childPageBlockCalls).
 */
export function incrementalFloor(shape: WorkspaceShape, changed: ReadonlySet<string>): FloorBreakdown {
  const index = indexTrees(shape);
  let blockTrees = 0;
  let comments = 0;
  let pages = 0;
  for (const pageId of shape.pages) {
    if (!changed.has(pageId)) continue;
    pages += 1;
    const cost = pageCost(pageId, index);
    blockTrees += cost.blockTrees;
    comments += cost.comments;
  }
  return total({
    users: 1 + listCalls(shape.users.length),
    dataSources: listCalls(shape.dataSources.length),
    databases: shape.databases.length,
    pageListing: listCalls(pages),
    pageRetrieves: 0,
    blockTrees,
    childPageBlocks: childPageBlockCalls(shape, changed, index),
    comments,
  });
}

/** Seconds the floor takes at `requestsPerMinute`: requests ÷ budget. */
export function floorSeconds(requests: number, requestsPerMinute: number | null): number | null {
  if (requestsPerMinute === null || requestsPerMinute <= 0) return null;
  return (requests / requestsPerMinute) * 60;
}
