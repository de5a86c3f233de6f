import type { CommentObjectResponse } from '@notionhq/client';
import { isoTime } from '../time.js';
import type { CommentNode } from '../workspace/content.js';
import { partialUser, type RenderContext } from './context.js';
import { richText } from './rich-text.js';

export function renderComment(ctx: RenderContext, comment: CommentNode): CommentObjectResponse {
  const author = ctx.ws.users[comment.createdBy];
  const page = ctx.ws.pages[comment.pageIdx];
  const onPage = page?.id === comment.parentId;
  return {
    object: 'comment',
    id: comment.id,
    parent: onPage
      ? { type: 'page_id', page_id: comment.parentId }
      : { type: 'block_id', block_id: comment.parentId },
    discussion_id: comment.discussionId,
    created_time: isoTime(comment.created),
    last_edited_time: isoTime(comment.edited),
    created_by: partialUser(ctx, comment.createdBy),
    rich_text: richText(ctx, comment.seed, comment.text, 1),
    display_name: {
      type: author?.type === 'bot' ? 'integration' : 'user',
      resolved_name: author?.name ?? null,
    },
  };
}
