// The page_markdown document: its builder and schemas.

// Completing a truncated page: unknown blocks fetched and spliced in.
export { type CompleteMarkdownResult, completeMarkdown, spliceUnknownBlock } from './complete-markdown.js';
export {
  type CompletedMarkdown,
  pageMarkdownDeletionZodSchema,
  pageMarkdownDocument,
  pageMarkdownDocumentSchema,
  pageMarkdownDocumentsZodSchema,
  pageMarkdownDocumentZodSchema,
  pageTitle,
} from './page-markdown-document.js';
// The page_markdown stream, its options and state.
export {
  createPageMarkdownStream,
  type PageMarkdownState,
  type PageMarkdownStreamOptions,
  pageMarkdownStateSchema,
  pageMarkdownStream,
} from './page-markdown-stream.js';
