import { createRandom, hashInts, type Random } from '../random.js';
import { floorToMinute } from '../time.js';
import { childPageInBlock, columnOrToggle, nestIn } from './child-page-placement.js';
import { ID_KIND, type IdCodec } from './ids.js';
import type { PageRecord } from './model.js';

/** Block types the generator produces (API names for version 2025-09-03). */
export type BlockType =
  | 'paragraph'
  | 'heading_1'
  | 'heading_2'
  | 'heading_3'
  | 'bulleted_list_item'
  | 'numbered_list_item'
  | 'to_do'
  | 'toggle'
  | 'quote'
  | 'callout'
  | 'code'
  | 'divider'
  | 'image'
  | 'file'
  | 'pdf'
  | 'video'
  | 'audio'
  | 'bookmark'
  | 'embed'
  | 'link_preview'
  | 'equation'
  | 'table'
  | 'table_row'
  | 'column_list'
  | 'column'
  | 'table_of_contents'
  | 'breadcrumb'
  | 'link_to_page'
  | 'template'
  | 'synced_block'
  | 'child_page'
  | 'child_database'
  | 'unsupported'
  | 'transcription';

export interface BlockNode {
  id: string;
  type: BlockType;
  /** Page id or block id. */
  parentId: string;
  /** The page whose tree holds this block. */
  pageIdx: number;
  children: string[];
  created: number;
  edited: number;
  createdBy: number;
  editedBy: number;
  inTrash: boolean;
  rev: number;
  seed: number;
  syncedFrom?: string;
  targetPageIdx?: number;
  targetDatabaseIdx?: number;
  /** child_database block of a linked view: the database itself cannot be retrieved. */
  linkedDatabaseId?: string;
  /** unsupported blocks claim children that the API refuses to list. */
  claimsChildren?: boolean;
  unsupportedType?: string;
  tableWidth?: number;
  linkToPageIdx?: number;
  text?: string;
}

export interface CommentNode {
  id: string;
  discussionId: string;
  /** Page id (page comment) or block id (inline comment). */
  parentId: string;
  pageIdx: number;
  created: number;
  edited: number;
  createdBy: number;
  resolved: boolean;
  seed: number;
  text?: string;
}

export interface PageContent {
  pageIdx: number;
  blocks: Map<string, BlockNode>;
  roots: string[];
  nextBlockIdx: number;
  comments: CommentNode[];
  nextCommentIdx: number;
  nextDiscussionIdx: number;
}

export interface ContentContext {
  seed: number;
  /** WorkspaceOptions.childPagesInBlocks. */
  childPagesInBlocks: number;
  codec: IdCodec;
  pages: readonly PageRecord[];
  /** Page indexes that may be targets of link_to_page blocks. */
  linkablePageIdxs: readonly number[];
  authorIdxs: readonly number[];
}

const LEAF_TYPES: readonly (readonly [BlockType, number])[] = [
  ['paragraph', 30],
  ['heading_1', 2],
  ['heading_2', 3],
  ['heading_3', 3],
  ['bulleted_list_item', 10],
  ['numbered_list_item', 6],
  ['to_do', 6],
  ['quote', 2],
  ['code', 3],
  ['divider', 3],
  ['image', 2],
  ['file', 1],
  ['pdf', 1],
  ['video', 1],
  ['audio', 0.5],
  ['bookmark', 2],
  ['embed', 1],
  ['link_preview', 0.5],
  ['equation', 1],
  ['table_of_contents', 0.5],
  ['breadcrumb', 0.5],
  ['link_to_page', 1],
  ['callout', 2],
];

/** Types that may hold children, with the chance one gets some. */
const CONTAINER_TYPES: readonly (readonly [BlockType, number])[] = [
  ['toggle', 4],
  ['bulleted_list_item', 3],
  ['numbered_list_item', 1],
  ['to_do', 1],
  ['callout', 1],
  ['quote', 0.5],
  ['table', 1.5],
  ['column_list', 1],
  ['template', 0.3],
  ['heading_2', 0.3],
];

const NO_EXTRA: Partial<BlockNode> = {};

export function blockId(codec: IdCodec, pageIdx: number, blockIdx: number): string {
  return codec.encode(ID_KIND.block, pageIdx, blockIdx);
}

/**
 * Derives a page's block tree and comments from the seed. Called lazily; the result is cached
 * (and pinned once mutated) by the workspace.
 */
export function buildPageContent(ctx: ContentContext, page: PageRecord): PageContent {
  const rng = createRandom(hashInts(ctx.seed, 0xb10c, page.idx));
  const content: PageContent = {
    pageIdx: page.idx,
    blocks: new Map(),
    roots: [],
    nextBlockIdx: 0,
    comments: [],
    nextCommentIdx: 0,
    nextDiscussionIdx: 0,
  };
  const specials = page.specials ?? {};
  const author = (): number => (rng.chance(0.7) ? page.createdBy : rng.pick(ctx.authorIdxs));
  const times = (): { created: number; edited: number } => {
    const span = Math.max(0, page.edited - page.created);
    const created = floorToMinute(page.created + Math.floor(rng.next() * span * 0.6));
    const edited = floorToMinute(created + Math.floor(rng.next() * Math.max(0, page.edited - created)));
    return { created, edited: Math.min(Math.max(edited, created), page.edited) };
  };
  const add = (type: BlockType, parentId: string, extra: Partial<BlockNode> = NO_EXTRA): BlockNode => {
    const t = times();
    const createdBy = author();
    const node: BlockNode = {
      id: blockId(ctx.codec, page.idx, content.nextBlockIdx++),
      type,
      parentId,
      pageIdx: page.idx,
      children: [],
      created: t.created,
      edited: t.edited,
      createdBy,
      editedBy: rng.chance(0.8) ? createdBy : author(),
      inTrash: false,
      rev: 0,
      seed: rng.int(0, 0x7fffffff),
    };
    for (const key in extra)
      (node as unknown as Record<string, unknown>)[key] = (extra as Record<string, unknown>)[key];
    content.blocks.set(node.id, node);
    const parent = content.blocks.get(parentId);
    if (parent) parent.children.push(node.id);
    else content.roots.push(node.id);
    return node;
  };

  const target = page.blockTarget;
  // Specials first, so synced originals get the predictable indexes 0..n-1.
  const originals: BlockNode[] = [];
  for (let i = 0; i < (specials.syncedOriginals ?? 0); i++) originals.push(add('synced_block', page.id));
  for (const original of originals) {
    const n = rng.int(1, 3);
    for (let i = 0; i < n; i++)
      add(rng.pick(['paragraph', 'bulleted_list_item', 'to_do'] as const), original.id);
  }
  for (const source of specials.syncedReferences ?? []) add('synced_block', page.id, { syncedFrom: source });
  if (specials.deepChain) {
    let parent = page.id;
    for (let depth = 1; depth <= specials.deepChain; depth++) {
      const node = add(depth === specials.deepChain ? 'paragraph' : 'toggle', parent);
      parent = node.id;
    }
  }
  if (specials.unsupported) {
    add('unsupported', page.id, { claimsChildren: true, unsupportedType: 'ai_block' });
    add('unsupported', page.id, { claimsChildren: false, unsupportedType: 'form' });
  }
  if (specials.transcription) add('transcription', page.id);
  for (const linked of specials.linkedDatabaseIds ?? [])
    add('child_database', page.id, { linkedDatabaseId: linked });

  // Random content up to the page's target size.
  const fill = (parentId: string, depth: number, budget: number): void => {
    let remaining = budget;
    while (remaining > 0 && content.nextBlockIdx < target + 400) {
      const container = depth < 4 && remaining > 2 && rng.chance(depth === 0 ? 0.12 : 0.06);
      if (!container) {
        const type = rng.weighted(LEAF_TYPES);
        const extra: Partial<BlockNode> = {};
        if (type === 'link_to_page' && ctx.linkablePageIdxs.length > 0)
          extra.linkToPageIdx = rng.pick(ctx.linkablePageIdxs);
        add(
          type === 'link_to_page' && extra.linkToPageIdx === undefined ? 'paragraph' : type,
          parentId,
          extra,
        );
        remaining--;
        continue;
      }
      const type = rng.weighted(CONTAINER_TYPES);
      if (type === 'table') {
        const width = rng.int(2, 4);
        const table = add('table', parentId, { tableWidth: width });
        const rows = rng.int(2, 4);
        for (let r = 0; r < rows; r++) add('table_row', table.id, { tableWidth: width });
        remaining -= rows + 1;
      } else if (type === 'column_list') {
        const list = add('column_list', parentId);
        const columns = rng.int(2, 3);
        remaining -= 1 + columns;
        for (let c = 0; c < columns; c++) {
          const column = add('column', list.id);
          const n = rng.int(1, 2);
          fill(column.id, depth + 2, n);
          remaining -= n;
        }
      } else {
        const node = add(type, parentId);
        const n = Math.min(remaining - 1, rng.int(1, 4));
        remaining -= 1 + n;
        fill(node.id, depth + 1, n);
      }
    }
  };
  fill(
    page.id,
    0,
    Math.max(0, target - content.nextBlockIdx - page.childPageIdxs.length - page.childDatabaseIdxs.length),
  );

  // Child pages and databases are blocks of their parent page (same id as the page / database).
  for (const childIdx of page.childPageIdxs) {
    const child = ctx.pages[childIdx];
    if (!child) continue;
    const holder = childPageInBlock(ctx.seed, ctx.childPagesInBlocks, childIdx)
      ? columnOrToggle(add, page.id, childIdx)
      : undefined;
    const node: BlockNode = {
      id: child.id,
      type: 'child_page',
      parentId: holder?.id ?? page.id,
      pageIdx: page.idx,
      children: [],
      created: child.created,
      edited: child.edited,
      createdBy: child.createdBy,
      editedBy: child.editedBy,
      inTrash: false,
      rev: 0,
      seed: 0,
      targetPageIdx: childIdx,
    };
    if (holder) nestIn(content, holder, node);
    else insertRoot(content, rng, node);
  }
  for (const dbIdx of page.childDatabaseIdxs) {
    const t = times();
    insertRoot(content, rng, {
      id: ctx.codec.encode(ID_KIND.database, dbIdx),
      type: 'child_database',
      parentId: page.id,
      pageIdx: page.idx,
      children: [],
      created: t.created,
      edited: t.edited,
      createdBy: page.createdBy,
      editedBy: page.createdBy,
      inTrash: false,
      rev: 0,
      seed: 0,
      targetDatabaseIdx: dbIdx,
    });
  }
  // Shuffle the top level a little (ids stay fixed) so specials are not always first.
  shuffleKeepingFirst(content.roots, rng, originals.length > 0 ? 0 : 1);

  buildComments(ctx, page, content, rng, author, times);
  return content;
}

function insertRoot(content: PageContent, rng: Random, node: BlockNode): void {
  content.blocks.set(node.id, node);
  content.roots.splice(rng.int(0, content.roots.length), 0, node.id);
}

function shuffleKeepingFirst(items: string[], rng: Random, keep: number): void {
  for (let i = items.length - 1; i > keep; i--) {
    const j = keep + Math.floor(rng.next() * (i - keep + 1));
    const tmp = items[i] as string;
    items[i] = items[j] as string;
    items[j] = tmp;
  }
}

const COMMENTABLE: ReadonlySet<BlockType> = new Set([
  'paragraph',
  'heading_1',
  'heading_2',
  'heading_3',
  'bulleted_list_item',
  'numbered_list_item',
  'to_do',
  'quote',
  'callout',
  'toggle',
]);

function buildComments(
  ctx: ContentContext,
  page: PageRecord,
  content: PageContent,
  rng: Random,
  author: () => number,
  times: () => { created: number; edited: number },
): void {
  const forced = page.specials?.forcedComments === true;
  const discussion = (parentId: string, count: number, resolved: boolean): void => {
    const discussionId = ctx.codec.encode(ID_KIND.discussion, page.idx, content.nextDiscussionIdx++);
    const stamps = Array.from({ length: count }, () => times().created).sort((a, b) => a - b);
    for (const created of stamps) {
      content.comments.push({
        id: ctx.codec.encode(ID_KIND.comment, page.idx, content.nextCommentIdx++),
        discussionId,
        parentId,
        pageIdx: page.idx,
        created,
        edited: created,
        createdBy: author(),
        resolved,
        seed: rng.int(0, 0x7fffffff),
      });
    }
  };
  const pageDiscussions = forced ? 2 : rng.chance(0.35) ? rng.int(1, 2) : 0;
  for (let i = 0; i < pageDiscussions; i++)
    discussion(page.id, rng.int(1, 3), forced ? i === 1 : rng.chance(0.2));
  const candidates = [...content.blocks.values()].filter((b) => COMMENTABLE.has(b.type));
  const inline = candidates.length === 0 ? 0 : forced ? 2 : rng.chance(0.25) ? rng.int(1, 2) : 0;
  const targets = rng.sample(candidates, inline);
  targets.forEach((block, i) => {
    discussion(block.id, rng.int(1, 2), forced ? i === 1 : rng.chance(0.2));
  });
}
