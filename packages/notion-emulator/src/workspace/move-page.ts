import type { BlockNode } from './content.js';
import type { PageRecord } from './model.js';
import { type MutationContext, remember, requirePage, stamp, touchPage } from './mutation-context.js';
import { WorkspaceError } from './workspace-error.js';

/**
 * Moves a page under another page (`POST /v1/pages/{id}/move`): its `child_page` block leaves the
 * old parent's tree (wherever it was nested) and is appended to the new parent's top level; the
 * page's `parent` and `last_edited_time` change, and both parents are edited. Rows and
 * workspace-level pages cannot be moved here (a row's properties belong to its data source).
 */
export function movePage(ctx: MutationContext, id: string, newParentId: string): void {
  const page = requirePage(ctx, id);
  const target = requirePage(ctx, newParentId);
  if (page.parent.type !== 'page') throw new WorkspaceError('only a page under a page can be moved');
  for (let cursor: PageRecord | undefined = target; cursor; ) {
    if (cursor.idx === page.idx) throw new WorkspaceError('cannot move a page under itself');
    cursor = cursor.parent.type === 'page' ? ctx.data.pages[cursor.parent.pageIdx] : undefined;
  }
  const old = ctx.data.pages[page.parent.pageIdx] as PageRecord;
  if (old.idx === target.idx) return;

  const from = ctx.store.pin(old.idx);
  const block = from.blocks.get(page.id);
  if (block) {
    const siblings = from.blocks.get(block.parentId)?.children ?? from.roots;
    const at = siblings.indexOf(block.id);
    if (at >= 0) siblings.splice(at, 1);
    from.blocks.delete(block.id);
  }
  old.childPageIdxs = old.childPageIdxs.filter((idx) => idx !== page.idx);
  touchPage(ctx, old);

  const to = ctx.store.pin(target.idx);
  const now = stamp(ctx, 0);
  const node: BlockNode = {
    id: page.id,
    type: 'child_page',
    parentId: target.id,
    pageIdx: target.idx,
    children: [],
    created: block?.created ?? now,
    edited: now,
    createdBy: block?.createdBy ?? page.createdBy,
    editedBy: page.createdBy,
    inTrash: false,
    rev: 0,
    seed: 0,
    targetPageIdx: page.idx,
  };
  to.blocks.set(page.id, node);
  to.roots.push(page.id);
  target.childPageIdxs.push(page.idx);
  touchPage(ctx, target);

  remember(ctx, page);
  page.parent = { type: 'page', pageIdx: target.idx };
  page.edited = stamp(ctx, page.edited);
  ctx.bumpRevision();
}
