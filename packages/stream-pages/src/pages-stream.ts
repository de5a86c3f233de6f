import {
  deletionDocument,
  initialPageSweepState,
  type PageSweepHandler,
  type PageSweepOptions,
  type PageSweepState,
  pageSweepStateSchema,
  readCompletePage,
  runPageSweep,
  type Stream,
  type StreamContext,
  truncatedProperties,
} from '@source-notion/core';
import { pageDocument, pagesDocumentSchema } from './page-document.js';

/** The pages stream's state: core's page sweep state (cursor, per-page versions). */
export type PagesState = PageSweepState;
export const pagesStateSchema = pageSweepStateSchema;

export type PagesStreamOptions = PageSweepOptions;

function pagesHandler(ctx: StreamContext): PageSweepHandler {
  return {
    // The listing returns whole page objects: emit them at once unless a value is truncated.
    fromListing(page) {
      if (truncatedProperties(page).length > 0) return undefined;
      return { docs: [pageDocument(page)], record: {} };
    },
    async process(item, _prior, signal) {
      const { page, requests } = await readCompletePage(ctx, item, signal);
      if (page === undefined) return { docs: [deletionDocument(item.id)], record: null };
      return { docs: [pageDocument(page)], record: {}, page, requests };
    },
    gone: (id) => [deletionDocument(id)],
  };
}

/**
 * A pages stream with non-default sweep options (overlap, deletion scan interval, concurrency).
 * Checkpoints every 100 pages by default: a page costs no request of its own (its document comes
 * from the listing), so a crash redoes at most a re-listing.
 */
export function createPagesStream(options: PagesStreamOptions = {}): Stream<PagesState> {
  return {
    name: 'pages',
    capability: 'Read content',
    key: ['/id'],
    documentSchema: pagesDocumentSchema,
    syncModes: ['incremental', 'full_refresh'],
    stateSchema: pagesStateSchema,
    initialState: () => initialPageSweepState(),
    read(ctx, state) {
      return runPageSweep(ctx, state, pagesHandler(ctx), { checkpointEvery: 100, ...options });
    },
  };
}

/**
 * Every page the integration can see, standalone pages and data source rows, with complete
 * property values (`properties` as `[{name, value}]`).
 */
export const pagesStream: Stream<PagesState> = createPagesStream();
