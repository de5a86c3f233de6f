import {
  deletionDocument,
  initialPageSweepState,
  isInTrash,
  isNotionApiError,
  type NotionPage,
  type PageSweepHandler,
  type PageSweepOptions,
  type PageSweepState,
  pageSweepStateSchema,
  retrievePage,
  retrievePageMarkdown,
  runPageSweep,
  type Stream,
  type StreamContext,
  type StreamDocument,
} from '@source-notion/core';
import { completeMarkdown } from './complete-markdown.js';
import { pageMarkdownDocument, pageMarkdownDocumentSchema } from './page-markdown-document.js';

/** The page_markdown stream's state: core's page sweep state (cursor, per-page versions). */
export type PageMarkdownState = PageSweepState;
export const pageMarkdownStateSchema = pageSweepStateSchema;

export type PageMarkdownStreamOptions = PageSweepOptions;

function pageMarkdownHandler(ctx: StreamContext): PageSweepHandler {
  const includeTranscript = ctx.config.advanced.include_transcripts === true;
  // A page captured before (and not already in the trash then) loses its document.
  const deletion = (id: string, prior: { trashed: boolean } | undefined): StreamDocument[] =>
    prior === undefined || prior.trashed ? [] : [deletionDocument(id)];
  return {
    // The listing's page object gives url, title and parent: the page costs its Markdown only.
    // A trashed page's Markdown is not part of the capture (it comes back if the page is restored).
    fromListing(page, prior) {
      return isInTrash(page) ? { docs: deletion(page.id, prior), record: {} } : undefined;
    },
    async process(item, prior, signal) {
      if (item.trashed) return { docs: deletion(item.id, prior), record: {} };
      let requests = 0;
      let page: NotionPage | undefined = item.page;
      try {
        if (page === undefined) {
          requests++;
          page = await retrievePage(ctx.notion, item.id, signal);
        }
        if (page !== undefined && isInTrash(page))
          return { docs: deletion(item.id, prior), record: {}, page, requests };
        requests++;
        const first =
          page && (await retrievePageMarkdown(ctx.notion, item.id, { includeTranscript }, signal));
        if (page !== undefined && first !== undefined) {
          const complete = await completeMarkdown(
            first,
            (id, abort) => retrievePageMarkdown(ctx.notion, id, { includeTranscript }, abort),
            signal,
          );
          if (complete.unreadableBlockIds.length > 0 || complete.appended > 0) {
            ctx.logger.debug('page markdown: some unknown blocks stay unknown or had no placeholder', {
              pageId: item.id,
              unreadable: complete.unreadableBlockIds.length,
              appended: complete.appended,
            });
          }
          const docs = [pageMarkdownDocument(page, complete)];
          return { docs, record: {}, page, requests: requests + complete.requests };
        }
      } catch (error) {
        if (!isNotionApiError(error, 'object_not_found')) throw error;
      }
      ctx.logger.info('page answered 404 (purged or unshared); deleting its markdown', { pageId: item.id });
      return { docs: [deletionDocument(item.id)], record: null };
    },
    gone: (id) => [deletionDocument(id)],
  };
}

/**
 * A page_markdown stream with non-default sweep options (overlap, deletion scan interval,
 * concurrency). Tracks parents: a parent page's Markdown shows each child page's title, which
 * changes without the parent's own last_edited_time moving.
 */
export function createPageMarkdownStream(options: PageMarkdownStreamOptions = {}): Stream<PageMarkdownState> {
  return {
    name: 'page_markdown',
    capability: 'Read content',
    key: ['/id'],
    documentSchema: pageMarkdownDocumentSchema,
    syncModes: ['incremental', 'full_refresh'],
    stateSchema: pageMarkdownStateSchema,
    initialState: () => initialPageSweepState(),
    read(ctx, state) {
      return runPageSweep(ctx, state, pageMarkdownHandler(ctx), { trackParents: true, ...options });
    },
  };
}

/**
 * Every page's whole content as Notion-flavored Markdown v2, one document per page keyed by its
 * id, re-read when the page changed; gone and trashed pages are emitted as deletions.
 */
export const pageMarkdownStream: Stream<PageMarkdownState> = createPageMarkdownStream();
