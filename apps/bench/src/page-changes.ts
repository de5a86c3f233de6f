import type { Emulator } from '@source-notion/notion-emulator';
import type { BlockShape, WorkspaceShape } from './workspace-shape.js';

/** `count` distinct items of `items`, picked by `random` (a partial Fisher–Yates shuffle). */
export function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
  const copy = [...items];
  const n = Math.min(count, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

/** Changes to one page: property edits, block edits, appends and deletions, new pages, the trash. */
export type PageChange =
  | { op: 'editPage'; pageId: string }
  | { op: 'editBlock'; pageId: string; blockId: string }
  | { op: 'appendBlocks'; pageId: string; count: number }
  | { op: 'deleteBlock'; pageId: string; blockId: string }
  /** A new page under `parentId` (a page: a child page; a data source: a row). */
  | { op: 'addPage'; pageId: string; parentId: string }
  | { op: 'trashPage'; pageId: string };

const EDITABLE = new Set([
  'paragraph',
  'heading_1',
  'heading_2',
  'heading_3',
  'bulleted_list_item',
  'to_do',
  'quote',
]);

/** Editable leaf blocks (text without children) of each page. */
export function leavesByPage(shape: WorkspaceShape): Map<string, BlockShape[]> {
  const leaves = new Map<string, BlockShape[]>();
  for (const block of shape.blocks) {
    if (block.hasChildren || !EDITABLE.has(block.type)) continue;
    const list = leaves.get(block.pageId);
    if (list) list.push(block);
    else leaves.set(block.pageId, [block]);
  }
  return leaves;
}

/** Makes one change in the emulator's workspace. */
export function applyChange(emulator: Emulator, change: PageChange): void {
  const { workspace } = emulator;
  if (change.op === 'editPage') workspace.editPage(change.pageId);
  else if (change.op === 'editBlock') workspace.editBlock(change.blockId);
  else if (change.op === 'appendBlocks') workspace.appendBlocks(change.pageId, change.count);
  else if (change.op === 'deleteBlock') workspace.deleteBlock(change.blockId);
  else if (change.op === 'addPage') workspace.addPage(change.parentId);
  else workspace.trashPage(change.pageId);
}
