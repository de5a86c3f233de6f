import type { ListCommentsResponse } from '@notionhq/client';
import { renderComment } from '../../render/comment.js';
import { ID_KIND, normalizeUuid } from '../../workspace/ids.js';
import type { ApiEnv, ApiRequest } from '../api-context.js';
import { notFound, restricted, validationError } from '../errors.js';
import { paginate, parsePageArgs } from '../paginate.js';

/** Unresolved comments on a page (page-level only) or on a block (inline), oldest first. */
export function listComments(env: ApiEnv, req: ApiRequest): ListCommentsResponse {
  if (!req.token.readComments) throw restricted('read comments');
  const raw = req.query.get('block_id');
  if (raw === null) {
    throw validationError(
      'query failed validation: query.block_id should be defined, instead was `undefined`.',
    );
  }
  const id = normalizeUuid(raw);
  if (!id)
    throw validationError(
      `query failed validation: query.block_id should be a valid uuid, instead was \`"${raw}"\`.`,
    );
  const args = parsePageArgs(
    'query',
    req.query.get('start_cursor') ?? undefined,
    req.query.get('page_size') ?? undefined,
  );
  const ws = env.ws;
  let pageIdx: number;
  const decoded = ws.decode(id);
  if (decoded?.kind === ID_KIND.page && ws.pages[decoded.a]) pageIdx = decoded.a;
  else {
    const found = ws.findBlock(id);
    if (!found) throw notFound('block', id);
    pageIdx = found.content.pageIdx;
  }
  if (!ws.pageAccessible(pageIdx)) throw notFound('block', id);
  const comments = ws
    .content(pageIdx)
    .comments.filter((c) => c.parentId === id && !c.resolved)
    .sort((a, b) => a.created - b.created);
  const page = paginate(env.cursors, comments, (c) => c.id, `comments:${id}`, args, { now: req.now });
  const render = { ws, now: req.now };
  return {
    object: 'list',
    results: page.results.map((c) => renderComment(render, c)),
    next_cursor: page.nextCursor,
    has_more: page.hasMore,
    type: 'comment',
    comment: {},
  };
}
