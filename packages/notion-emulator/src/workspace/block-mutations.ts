import { hashInts } from '../random.js';
import { type BlockNode, type BlockType, blockId, type PageContent } from './content.js';
import type { PageRecord } from './model.js';
import { type MutationContext, requireBlock, stamp, touchPage } from './mutation-context.js';
import { pageById } from './record-lookup.js';
import { WorkspaceError } from './workspace-error.js';

export interface EditBlockChanges {
  text?: string;
}

/** Edits a block's content; bumps the block and its page. */
export function editBlock(ctx: MutationContext, id: string, changes: EditBlockChanges = {}): void {
  const { node, content } = requireBlock(ctx, id);
  ctx.store.pin(content.pageIdx);
  node.rev++;
  if (changes.text !== undefined) node.text = changes.text;
  node.edited = stamp(ctx, node.edited);
  touchPage(ctx, ctx.data.pages[content.pageIdx] as PageRecord);
}

/** Appends `count` blocks (paragraphs by default) to a page or block; returns their ids. */
export function appendBlocks(
  ctx: MutationContext,
  parentId: string,
  count = 1,
  type: BlockType = 'paragraph',
): string[] {
  const parentPage = pageById(ctx.data, parentId);
  let content: PageContent;
  let parentNode: BlockNode | undefined;
  if (parentPage) content = ctx.store.pin(parentPage.idx);
  else {
    const found = requireBlock(ctx, parentId);
    content = ctx.store.pin(found.content.pageIdx);
    parentNode = found.node;
  }
  const page = ctx.data.pages[content.pageIdx] as PageRecord;
  const at = stamp(ctx, page.created);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const node: BlockNode = {
      id: blockId(ctx.data.codec, content.pageIdx, content.nextBlockIdx++),
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
      seed: hashInts(ctx.data.options.seed, content.pageIdx, content.nextBlockIdx),
    };
    content.blocks.set(node.id, node);
    (parentNode ? parentNode.children : content.roots).push(node.id);
    ids.push(node.id);
  }
  if (parentNode) parentNode.edited = stamp(ctx, parentNode.edited);
  touchPage(ctx, page);
  return ids;
}

/** Deletes (trashes) a block: it leaves its parent's children; GET on it answers in_trash. */
export function deleteBlock(ctx: MutationContext, id: string): void {
  const { node, content } = requireBlock(ctx, id);
  ctx.store.pin(content.pageIdx);
  node.inTrash = true;
  node.edited = stamp(ctx, node.edited);
  touchPage(ctx, ctx.data.pages[content.pageIdx] as PageRecord);
}

/** Moves a block (with its subtree) under another page or block, possibly in another page. */
export function moveBlock(ctx: MutationContext, id: string, newParentId: string): void {
  const { node, content: from } = requireBlock(ctx, id);
  if (node.type === 'child_page' || node.type === 'child_database')
    throw new WorkspaceError('move pages, not their blocks');
  const targetPage = pageById(ctx.data, newParentId);
  let to: PageContent;
  let targetNode: BlockNode | undefined;
  if (targetPage) to = ctx.store.pin(targetPage.idx);
  else {
    const found = requireBlock(ctx, newParentId);
    to = ctx.store.pin(found.content.pageIdx);
    targetNode = found.node;
    for (let cursor: BlockNode | undefined = found.node; cursor; cursor = from.blocks.get(cursor.parentId)) {
      if (cursor.id === node.id) throw new WorkspaceError('cannot move a block under itself');
      if (to !== from) break;
    }
  }
  ctx.store.pin(from.pageIdx);
  const oldSiblings = from.blocks.get(node.parentId)?.children ?? from.roots;
  const at = oldSiblings.indexOf(node.id);
  if (at >= 0) oldSiblings.splice(at, 1);
  if (to !== from) {
    const moveTree = (n: BlockNode): void => {
      from.blocks.delete(n.id);
      to.blocks.set(n.id, n);
      n.pageIdx = to.pageIdx;
      ctx.store.recordMove(n.id, to.pageIdx);
      for (const childId of n.children) {
        const child = from.blocks.get(childId);
        if (child) moveTree(child);
      }
    };
    moveTree(node);
  }
  node.parentId = targetNode ? targetNode.id : (ctx.data.pages[to.pageIdx] as PageRecord).id;
  (targetNode ? targetNode.children : to.roots).push(node.id);
  node.edited = stamp(ctx, node.edited);
  touchPage(ctx, ctx.data.pages[from.pageIdx] as PageRecord);
  if (to !== from) touchPage(ctx, ctx.data.pages[to.pageIdx] as PageRecord);
}
