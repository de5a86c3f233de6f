import { hashInts } from '../random.js';
import type { BlockNode, BlockType, PageContent } from './content.js';

/** Whether a child page's child_page block sits in a toggle or column (WorkspaceOptions.childPagesInBlocks). */
export function childPageInBlock(seed: number, share: number, childIdx: number): boolean {
  return share > 0 && hashInts(seed, 0xc41d, childIdx) / 4294967296 < share;
}

/** A toggle (even child index) or the first of two columns (odd) to hold a child_page block. */
export function columnOrToggle(
  add: (type: BlockType, parentId: string) => BlockNode,
  pageId: string,
  childIdx: number,
): BlockNode {
  if (childIdx % 2 === 0) return add('toggle', pageId);
  const list = add('column_list', pageId);
  const first = add('column', list.id);
  add('paragraph', add('column', list.id).id);
  return first;
}

export function nestIn(content: PageContent, holder: BlockNode, node: BlockNode): void {
  content.blocks.set(node.id, node);
  holder.children.push(node.id);
}
