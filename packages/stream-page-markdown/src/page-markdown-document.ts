import {
  collectionJsonSchema,
  deletionDocumentSchema,
  type JsonSchema,
  type NotionPage,
  notionTimestampSchema,
  PAGE_MARKDOWN_VERSION,
  type StreamDocument,
} from '@source-notion/core';
import { z } from 'zod';

/** A page's title: the plain text of its `title` property ('' when it has none). */
export function pageTitle(page: NotionPage): string {
  for (const property of Object.values(page.properties ?? {})) {
    if (property.type !== 'title') continue;
    const items = (property as { title?: unknown }).title;
    if (!Array.isArray(items)) return '';
    return items.map((item) => String((item as { plain_text?: unknown }).plain_text ?? '')).join('');
  }
  return '';
}

/** What a page's Markdown became once its `unknown_block_ids` were fetched and spliced in. */
export interface CompletedMarkdown {
  markdown: string;
  /**
   * Blocks still shown as `<unknown …/>`: Notion answered 404 for them (not shared with the
   * integration), or child pages and databases it did not render (never fetched).
   */
  unreadableBlockIds: string[];
}

/**
 * The page_markdown document: the page's id, url, title, parent, created and edited times (from
 * the page object), and its whole content as Notion-flavored Markdown v2.
 */
export function pageMarkdownDocument(page: NotionPage, content: CompletedMarkdown): StreamDocument {
  const { url, parent, created_time } = page as NotionPage & { url?: unknown };
  return {
    id: page.id,
    url: typeof url === 'string' ? url : null,
    title: pageTitle(page),
    parent: parent ?? null,
    ...(created_time === undefined ? {} : { created_time }),
    last_edited_time: page.last_edited_time,
    markdown_version: PAGE_MARKDOWN_VERSION,
    markdown: content.markdown,
    unknown_block_ids: content.unreadableBlockIds,
  };
}

export const pageMarkdownDocumentZodSchema = z
  .looseObject({
    id: z.string().min(1),
    url: z.string().nullable().describe("The page's Notion URL"),
    title: z.string().describe("The plain text of the page's title ('' when untitled)"),
    parent: z.looseObject({ type: z.string() }).nullable().describe("The page's parent, as Notion gives it"),
    created_time: notionTimestampSchema.optional(),
    last_edited_time: notionTimestampSchema,
    markdown_version: z
      .literal(PAGE_MARKDOWN_VERSION)
      .describe('The Markdown flavor: Notion-flavored Markdown v2'),
    markdown: z.string().describe("The page's whole content as Notion-flavored Markdown"),
    unknown_block_ids: z
      .array(z.string())
      .describe(
        'Blocks left as <unknown …/> tags: Notion would not serve them (not shared with the integration), or child pages and databases it did not render',
      ),
  })
  .meta({ title: 'Notion page as Markdown' });

/** A page that is gone (404) or in the trash. */
export const pageMarkdownDeletionZodSchema = deletionDocumentSchema('Deleted or trashed page');

export const pageMarkdownDocumentsZodSchema = z.union([
  pageMarkdownDocumentZodSchema,
  pageMarkdownDeletionZodSchema,
]);

/** The published JSON schema (draft 2020-12): a page's Markdown, or a deletion `{id, _meta:{op:'d'}}`. */
export const pageMarkdownDocumentSchema: JsonSchema = collectionJsonSchema(pageMarkdownDocumentsZodSchema, {
  title: 'Notion pages as Markdown',
  idDescription: 'The page id (a UUID).',
});
