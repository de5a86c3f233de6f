// Block subtrees in the ground truth, for the scenario whose block children answer 404: which
// subtree to hide, and which blocks it holds.
import type { Emulator } from '@source-notion/notion-emulator';
import type { Doc } from './streams.js';

/** A block with children, directly on a page, whose subtree holds plain blocks only. */
export function subtreeRoot(emulator: Emulator): string {
  const blocks = emulator.groundTruth().blocks as unknown as Doc[];
  const skip = new Set(['child_page', 'child_database', 'unsupported', 'synced_block']);
  const root = blocks.find(
    (block) =>
      block.depth === 1 &&
      block.has_children === true &&
      !skip.has(String(block.type)) &&
      descendants(blocks, String(block.id)).size > 0,
  );
  if (root === undefined) throw new Error('the workspace has no block with children at depth 1');
  return String(root.id);
}

/** Ids of every block below `rootId` (through parent.block_id links). */
export function descendants(blocks: Doc[], rootId: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const block of blocks) {
    const parent = (block.parent as { block_id?: string } | undefined)?.block_id;
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), String(block.id)]);
  }
  const out = new Set<string>();
  const walk = (id: string) => {
    for (const child of children.get(id) ?? []) {
      out.add(child);
      walk(child);
    }
  };
  walk(rootId);
  return out;
}
