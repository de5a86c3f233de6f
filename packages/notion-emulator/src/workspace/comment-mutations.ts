import { hashInts } from '../random.js';
import { floorToMinute } from '../time.js';
import type { CommentNode } from './content.js';
import { ID_KIND, normalizeUuid } from './ids.js';
import type { PageRecord } from './model.js';
import { type MutationContext, requireBlock } from './mutation-context.js';
import { pageById } from './record-lookup.js';
import { WorkspaceError } from './workspace-error.js';

export interface AddCommentOptions {
  text?: string;
  /** Reply in an existing discussion instead of starting one. */
  discussionId?: string;
}

/** Adds an unresolved comment on a page or block (does not bump the page); returns its id. */
export function addComment(
  ctx: MutationContext,
  pageOrBlockId: string,
  options: AddCommentOptions = {},
): string {
  const { data, store } = ctx;
  const page = pageById(data, pageOrBlockId);
  const content = page ? store.pin(page.idx) : store.pin(requireBlock(ctx, pageOrBlockId).content.pageIdx);
  const parentId = page ? page.id : (normalizeUuid(pageOrBlockId) as string);
  const at = floorToMinute(ctx.now());
  const discussionId =
    options.discussionId ??
    data.codec.encode(ID_KIND.discussion, content.pageIdx, content.nextDiscussionIdx++);
  const comment: CommentNode = {
    id: data.codec.encode(ID_KIND.comment, content.pageIdx, content.nextCommentIdx++),
    discussionId,
    parentId,
    pageIdx: content.pageIdx,
    created: at,
    edited: at,
    createdBy: (data.pages[content.pageIdx] as PageRecord).createdBy,
    resolved: false,
    seed: hashInts(data.options.seed, 0xc0, content.pageIdx, content.nextCommentIdx),
  };
  if (options.text !== undefined) comment.text = options.text;
  content.comments.push(comment);
  ctx.bumpRevision();
  return comment.id;
}

/** Resolves a comment's whole discussion (the API stops listing it). */
export function resolveComment(ctx: MutationContext, id: string): void {
  const found = ctx.store.findComment(id);
  if (!found) throw new WorkspaceError(`no comment with id ${id}`);
  ctx.store.pin(found.content.pageIdx);
  for (const c of found.content.comments)
    if (c.discussionId === found.comment.discussionId) c.resolved = true;
  ctx.bumpRevision();
}
