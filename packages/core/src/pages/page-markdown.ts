import { z } from 'zod';
import type { NotionClient } from '../notion-client.js';
import { retrieveNotionObject } from '../notion-objects.js';

/**
 * The Markdown flavor requested: Notion-flavored Markdown v2, sent explicitly on every request so
 * that documents keep one syntax whatever Notion-Version is configured (Notion makes v2 the
 * default in its next version and rejects v1 there).
 */
export const PAGE_MARKDOWN_VERSION = 'v2';

/** `GET /v1/pages/{id}/markdown` (unknown fields kept). */
export const pageMarkdownSchema = z.looseObject({
  object: z.literal('page_markdown'),
  id: z.string(),
  markdown: z.string(),
  /** True when some blocks are `<unknown …/>` placeholders (record limit reached, or not shared). */
  truncated: z.boolean(),
  /** The blocks behind those placeholders: each can be passed back as the page id. */
  unknown_block_ids: z.array(z.string()),
});
export type PageMarkdown = z.output<typeof pageMarkdownSchema>;

export interface RetrievePageMarkdownOptions {
  /** Include meeting-note transcripts (`include_transcript=true`). Default false. */
  includeTranscript?: boolean;
}

/**
 * A page (or, for an id from `unknown_block_ids`, a block's subtree) rendered as Notion-flavored
 * Markdown v2, through core's client; undefined when Notion answers 404 (purged, not shared).
 */
export function retrievePageMarkdown(
  notion: NotionClient,
  pageId: string,
  options: RetrievePageMarkdownOptions = {},
  signal?: AbortSignal,
): Promise<PageMarkdown | undefined> {
  const query: Record<string, string> = { markdown_version: PAGE_MARKDOWN_VERSION };
  if (options.includeTranscript) query.include_transcript = 'true';
  return retrieveNotionObject(
    notion,
    'retrieve page markdown',
    (sdk) => sdk.request({ path: `pages/${pageId}/markdown`, method: 'get', query }),
    pageMarkdownSchema,
    signal,
  );
}
