import { type MarkdownRendering, renderBlockMarkdown, renderPageMarkdown } from '../../render/markdown.js';
import { ID_KIND } from '../../workspace/ids.js';
import type { ApiEnv, ApiRequest } from '../api-context.js';
import { notFound, validationError } from '../errors.js';

export interface PageMarkdownResponse {
  object: 'page_markdown';
  id: string;
  markdown: string;
  truncated: boolean;
  unknown_block_ids: string[];
}

/**
 * The Markdown flavor asked for: `markdown_version` (`v2`; on 2026-12-01 also the default, and `v1`
 * is rejected there). Before 2026-12-01 Notion's default is enhanced markdown v1, which the
 * emulator does not render: a request that does not ask for v2 there is answered 400.
 */
function checkMarkdownVersion(req: ApiRequest): void {
  const asked = req.query.get('markdown_version');
  if (asked === 'v2') return;
  if (asked === null && req.version === '2026-12-01') return;
  if (asked === 'v1' && req.version === '2026-12-01')
    throw validationError('markdown_version "v1" is no longer supported on this Notion-Version; use "v2".');
  if (asked !== null && asked !== 'v1')
    throw validationError(`query.markdown_version should be "v1" or "v2", instead was \`"${asked}"\`.`);
  throw validationError(
    'The emulator renders Notion-flavored Markdown v2 only: send markdown_version=v2 (enhanced markdown v1 is the default before Notion-Version 2026-12-01).',
  );
}

function response(id: string, rendering: MarkdownRendering): PageMarkdownResponse {
  return {
    object: 'page_markdown',
    id,
    markdown: rendering.markdown,
    truncated: rendering.truncated,
    unknown_block_ids: rendering.unknownBlockIds,
  };
}

/**
 * What `GET /v1/pages/{id}/markdown` answers for `id` (a page, or a block from `unknown_block_ids`:
 * its subtree), without HTTP; throws the API's 404 for what the integration cannot read (an
 * unshared page, a synced block whose original is unshared).
 */
export function pageMarkdownAnswer(
  env: Pick<ApiEnv, 'ws' | 'limits'>,
  id: string,
  options: { includeTranscript: boolean; now: number },
): PageMarkdownResponse {
  const { ws } = env;
  const ctx = { ws, now: options.now };
  const render = {
    recordLimit: env.limits.markdownRecordLimit,
    includeTranscript: options.includeTranscript,
  };
  const decoded = ws.decode(id);
  if (decoded?.kind === ID_KIND.page) {
    const page = ws.pages[decoded.a];
    if (!page || !ws.pageAccessible(page.idx)) throw notFound('page', id);
    return response(page.id, renderPageMarkdown(ctx, page, render));
  }
  const found = ws.findBlock(id);
  if (!found || !ws.pageAccessible(found.content.pageIdx) || !ws.childVisible(found.node))
    throw notFound('page', id);
  const rendering = renderBlockMarkdown(ctx, found, render);
  // Its own content unreadable (a synced block whose original is not shared): not found.
  if (rendering.unknownBlockIds[0] === found.node.id) throw notFound('page', id);
  return response(found.node.id, rendering);
}

/**
 * `GET /v1/pages/{id}/markdown`: a page's content as Notion-flavored Markdown, or, for a block id
 * (one of `unknown_block_ids`), that block's subtree. A block the integration cannot read (on an
 * unshared page, a synced block whose original is unshared) answers 404, as Notion does.
 */
export function getPageMarkdown(env: ApiEnv, req: ApiRequest): PageMarkdownResponse {
  checkMarkdownVersion(req);
  return pageMarkdownAnswer(env, req.params.page_id ?? '', {
    includeTranscript: req.query.get('include_transcript') === 'true',
    now: req.now,
  });
}
