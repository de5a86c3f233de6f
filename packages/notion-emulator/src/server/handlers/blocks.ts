import type { GetBlockResponse, ListBlockChildrenResponse } from '@notionhq/client';
import { renderBlock, renderDatabaseAsBlock, renderPageAsBlock } from '../../render/block.js';
import type { BlockNode, PageContent } from '../../workspace/content.js';
import { ID_KIND } from '../../workspace/ids.js';
import type { ApiEnv, ApiRequest } from '../api-context.js';
import { notFound, validationError } from '../errors.js';
import { paginate, parsePageArgs } from '../paginate.js';

export function getBlock(env: ApiEnv, req: ApiRequest): GetBlockResponse {
  const id = req.params.block_id ?? '';
  const ws = env.ws;
  const render = { ws, now: req.now };
  const decoded = ws.decode(id);
  if (decoded?.kind === ID_KIND.page) {
    const page = ws.pages[decoded.a];
    if (page && ws.pageAccessible(page.idx)) return renderPageAsBlock(render, page);
  } else if (decoded?.kind === ID_KIND.database) {
    const db = ws.databases[decoded.a];
    if (db && ws.databaseAccessible(db.idx)) return renderDatabaseAsBlock(render, db);
  } else {
    const found = ws.findBlock(id);
    if (found && ws.pageAccessible(found.content.pageIdx))
      return renderBlock(render, found.node, found.content);
  }
  throw notFound('block', id);
}

/** Where the children of `id` live: a page's top level, a block, or a synced block's original. */
function childrenSource(env: ApiEnv, id: string): { content: PageContent; parentId: string } {
  const ws = env.ws;
  const decoded = ws.decode(id);
  if (decoded?.kind === ID_KIND.page) {
    const page = ws.pages[decoded.a];
    if (!page || !ws.pageAccessible(page.idx)) throw notFound('block', id);
    return { content: ws.content(page.idx), parentId: page.id };
  }
  const found = ws.findBlock(id);
  if (!found || !ws.pageAccessible(found.content.pageIdx)) throw notFound('block', id);
  const node: BlockNode = found.node;
  if (node.type === 'unsupported')
    throw validationError('Block type unsupported is not supported via the API.');
  if (node.type === 'synced_block' && node.syncedFrom) {
    const original = ws.findBlock(node.syncedFrom);
    if (!original || !ws.pageAccessible(original.content.pageIdx)) throw notFound('block', node.syncedFrom);
    return { content: original.content, parentId: original.node.id };
  }
  return { content: found.content, parentId: node.id };
}

export function listBlockChildren(env: ApiEnv, req: ApiRequest): ListBlockChildrenResponse {
  const id = req.params.block_id ?? '';
  const args = parsePageArgs(
    'query',
    req.query.get('start_cursor') ?? undefined,
    req.query.get('page_size') ?? undefined,
  );
  const { content, parentId } = childrenSource(env, id);
  const children = env.ws.children(content, parentId);
  const page = paginate(env.cursors, children, (b) => b.id, `children:${id}`, args, { now: req.now });
  const render = { ws: env.ws, now: req.now };
  return {
    object: 'list',
    results: page.results.map((node) => renderBlock(render, node, content)),
    next_cursor: page.nextCursor,
    has_more: page.hasMore,
    type: 'block',
    block: {},
  };
}
