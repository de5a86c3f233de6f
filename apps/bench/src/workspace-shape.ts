import { STREAM_NAMES, type StreamName } from '@source-notion/core';

/** The part of a block the floor and the comparison need. */
export interface BlockShape {
  id: string;
  type: string;
  hasChildren: boolean;
  /** The page or block that lists it among its children. */
  parentId: string;
  pageId: string;
  /** A reference synced block (its children are the original's, read under the original's page). */
  syncedReference: boolean;
}

/**
 * A compact picture of the emulator's ground truth: the ids of every document a complete capture
 * holds, plus what the request floor depends on. Small enough to cross a process boundary.
 */
export interface WorkspaceShape {
  users: string[];
  databases: string[];
  dataSources: string[];
  pages: string[];
  blocks: BlockShape[];
  /** Page-level comments only (inline comments are off in the bench's config). */
  comments: Array<{ id: string; pageId: string }>;
  /** Data source rows: page id → its data source id (pages absent here are standalone). */
  rowDataSources?: Record<string, string>;
  /** Standalone pages whose parent is the workspace. */
  roots?: string[];
  /**
   * What search can return, read through the emulator's own search (searchProbe): absent when the
   * floor may assume that one search listing returns every page and data source.
   */
  search?: SearchReach;
  /** The pages a page_markdown capture holds (every non-trashed page). */
  pageMarkdown?: string[];
  /**
   * `GET /v1/pages/{id}/markdown` calls for the blocks the emulator leaves unknown under its record
   * limit (each page's `unknown_block_ids`, and theirs in turn, once per page): read with `markdown`.
   */
  markdownUnknownFetches?: number;
}

/** The bindings a workload captures unless it says otherwise: the six the request floor covers. */
export const FLOOR_STREAMS: readonly StreamName[] = STREAM_NAMES.filter((name) => name !== 'page_markdown');

/** What search returned when read to its end or its cap, newest first and then oldest first. */
export interface SearchReach {
  /** Page ids of the descending listing (newest first), in order. */
  descending: string[];
  /** Page ids of the ascending listing (oldest first), up to the first one the descending listing held. */
  ascending: string[];
  /** Whether the descending listing stopped at the position cap (a rejected cursor) rather than its end. */
  capped: boolean;
  /** Data source ids a `filter: data_source` listing returned. */
  dataSources: string[];
}

type Loose = Record<string, unknown>;

function asRecord(value: unknown): Loose {
  return typeof value === 'object' && value !== null ? (value as Loose) : {};
}

function idOf(value: unknown): string {
  const id = asRecord(value).id;
  if (typeof id !== 'string')
    throw new TypeError(`ground truth object without an id: ${JSON.stringify(value)}`);
  return id;
}

function parentIdOf(block: Loose): string {
  const parent = asRecord(block.parent);
  const type = parent.type;
  const id = typeof type === 'string' ? parent[type] : undefined;
  if (typeof id === 'string') return id;
  // A block whose parent is not stated is a direct child of its page.
  return String(block.page_id);
}

/** Builds the shape from the emulator's GroundTruth (API-shaped objects, see the API contract). */
export function workspaceShape(truth: Record<string, unknown>): WorkspaceShape {
  const list = (name: string): Loose[] => {
    const value = truth[name];
    return Array.isArray(value) ? (value as Loose[]) : [];
  };
  return {
    users: list('users').map(idOf),
    databases: list('databases').map(idOf),
    dataSources: list('data_sources').map(idOf),
    pages: list('pages').map(idOf),
    blocks: list('blocks').map((block) => {
      const synced = asRecord(block.synced_block);
      return {
        id: idOf(block),
        type: String(block.type),
        hasChildren: block.has_children === true,
        parentId: parentIdOf(block),
        pageId: String(block.page_id),
        syncedReference: block.type === 'synced_block' && synced.synced_from != null,
      };
    }),
    comments: list('comments').map((comment) => ({ id: idOf(comment), pageId: String(comment.page_id) })),
    pageMarkdown: list('page_markdown').map(idOf),
    ...pageParents(list('pages')),
  };
}

/** Rows with their data source, and the root pages (parent: the workspace). */
function pageParents(pages: readonly Loose[]): Pick<WorkspaceShape, 'rowDataSources' | 'roots'> {
  const rowDataSources: Record<string, string> = {};
  const roots: string[] = [];
  for (const page of pages) {
    const parent = asRecord(page.parent);
    if (parent.type === 'data_source_id' && typeof parent.data_source_id === 'string')
      rowDataSources[idOf(page)] = parent.data_source_id;
    else if (parent.type === 'workspace') roots.push(idOf(page));
  }
  return { rowDataSources, roots };
}

/** The id set of each collection a complete capture must hold. */
export function expectedIds(shape: WorkspaceShape): Record<StreamName, string[]> {
  return {
    users: shape.users,
    databases: shape.databases,
    data_sources: shape.dataSources,
    pages: shape.pages,
    blocks: shape.blocks.map((block) => block.id),
    comments: shape.comments.map((comment) => comment.id),
    page_markdown: shape.pageMarkdown ?? [],
  };
}

export interface CollectionComparison {
  expected: number;
  captured: number;
  missing: number;
  extra: number;
  /** A few missing and extra ids, for the report. */
  sampleMissing: string[];
  sampleExtra: string[];
}

export interface CaptureComparison {
  equal: boolean;
  /** The collections of the bindings captured. */
  collections: Partial<Record<StreamName, CollectionComparison>>;
  /** The typed rows collections (`rows.<data source id>`) together, when the capture had some. */
  typedRows?: CollectionComparison | undefined;
}

/**
 * Compares the captured id sets of `streams` (the bindings captured) with the ground truth: equal
 * when every one matches exactly.
 */
export function compareCapture(
  captured: Readonly<Record<string, ReadonlySet<string>>>,
  expected: Readonly<Record<StreamName, readonly string[]>>,
  streams: readonly StreamName[] = FLOOR_STREAMS,
  rowDataSources: Readonly<Record<string, string>> = {},
): CaptureComparison {
  let equal = true;
  const collections: Partial<Record<StreamName, CollectionComparison>> = {};
  for (const name of streams) {
    const want = new Set(expected[name]);
    const got = captured[name] ?? new Set<string>();
    const missing = [...want].filter((id) => !got.has(id));
    const extra = [...got].filter((id) => !want.has(id));
    if (missing.length > 0 || extra.length > 0) equal = false;
    collections[name] = {
      expected: want.size,
      captured: got.size,
      missing: missing.length,
      extra: extra.length,
      sampleMissing: missing.slice(0, 3),
      sampleExtra: extra.slice(0, 3),
    };
  }
  // A typed rows collection `rows.<data source id>` holds that data source's rows (rowDataSources).
  const typed = Object.keys(captured).filter((name) => name.startsWith('rows.'));
  if (typed.length === 0) return { equal, collections };
  const want = new Set<string>();
  const got = new Set<string>();
  for (const name of typed) {
    const dataSource = name.slice('rows.'.length);
    for (const [page, source] of Object.entries(rowDataSources))
      if (source === dataSource) want.add(`${name}/${page}`);
    for (const id of captured[name] ?? []) got.add(`${name}/${id}`);
  }
  const missing = [...want].filter((id) => !got.has(id));
  const extra = [...got].filter((id) => !want.has(id));
  if (missing.length > 0 || extra.length > 0) equal = false;
  const typedRows = {
    expected: want.size,
    captured: got.size,
    missing: missing.length,
    extra: extra.length,
    sampleMissing: missing.slice(0, 3),
    sampleExtra: extra.slice(0, 3),
  };
  return { equal, collections, typedRows };
}
