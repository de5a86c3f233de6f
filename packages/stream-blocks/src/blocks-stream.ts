import {
  deletionDocument,
  initialPageSweepState,
  isNotionApiError,
  type PageSweepHandler,
  type PageSweepOptions,
  type PageSweepState,
  type PageSweepView,
  pageSweepStateSchema,
  runPageSweep,
  type Stream,
  type StreamContext,
  type StreamDocument,
  walkPageBlocks,
} from '@source-notion/core';
import { blockDocument, blocksDocumentSchema } from './block-document.js';

/**
 * The blocks stream's state: core's page sweep state; each page's record keeps the ids of the
 * blocks captured under it (packed: 16 bytes per block as base64url, about 22 characters per block).
 */
export type BlocksState = PageSweepState;
export const blocksStateSchema = pageSweepStateSchema;

export type BlocksStreamOptions = PageSweepOptions;

type Walk = Awaited<ReturnType<typeof walkPageBlocks>>;

/**
 * What a top-level re-read of a parent page (reason 'parent': a child page of it changed, its own
 * last_edited_time did not) found, compared with the ids captured under it (`prior`):
 * - `deleted`: child_page blocks gone from the top level whose pages the state knows are gone,
 *   in the trash, or under another page now;
 * - `unsure`: the top level changed in a way only a whole walk explains (a new block that is not
 *   a child page, or a child page the state still places here missing from it): walk it all.
 */
export function compareTopLevel(
  view: PageSweepView,
  pageId: string,
  prior: readonly string[],
  top: Walk,
  childChanges: readonly string[],
): { deleted: string[]; unsure: boolean } {
  const now = new Set(top.blockIds);
  const before = new Set(prior);
  const childPages = new Set(top.childPages.map((child) => child.id));
  for (const id of top.blockIds)
    if (!before.has(id) && !childPages.has(id)) return { deleted: [], unsure: true };
  const changed = new Set(childChanges);
  const deleted: string[] = [];
  for (const id of prior) {
    if (now.has(id)) continue;
    // Deeper blocks are not in a top-level listing: only ids the state knows as pages tell.
    const child = view.page(id);
    if (child === undefined) {
      // Gone (404) this sweep: the state forgot it.
      if (changed.has(id)) deleted.push(id);
    } else if (child.trashed || (child.parentKey !== undefined && !child.isChildOf(pageId))) {
      deleted.push(id);
    } else if (child.isChildOf(pageId)) {
      // Here as far as the state knows, yet missing: trashed or gone since, or moved deeper.
      return { deleted: [], unsure: true };
    }
  }
  return { deleted, unsure: false };
}

/**
 * Databases met as `child_database` blocks reach the capture's data source listings, which query
 * the data sources search did not list and hand their rows to every page sweep (found pages).
 */
function reportDatabases(ctx: StreamContext, walked: Walk): void {
  if (walked.childDatabases.length === 0) return;
  ctx.hub?.dataSourceListings.reportDatabases(
    ctx.notion,
    walked.childDatabases.map((database) => database.id),
  );
}

function blocksHandler(ctx: StreamContext, incremental: boolean): PageSweepHandler {
  // Block ids emitted by this sweep: a block that left page A for page B must not be deleted by
  // A's re-read after B emitted it. Only kept by incremental sweeps (a backfill deletes nothing).
  const emitted = incremental ? new Set<string>() : undefined;
  const deletions = (ids: Iterable<string>): StreamDocument[] => {
    const docs: StreamDocument[] = [];
    for (const id of ids) if (!emitted?.has(id)) docs.push(deletionDocument(id));
    return docs;
  };
  return {
    async process(item, prior, signal, view) {
      // A trashed page keeps its tree in Notion, but a capture holds only live pages' blocks.
      if (item.trashed) return { docs: deletions(prior?.capturedIds() ?? []), record: {} };
      let docs: StreamDocument[] = [];
      const walk = (maxDepth?: number) =>
        walkPageBlocks(ctx.notion, item.id, {
          logger: ctx.logger,
          signal,
          maxDepth,
          onBlocks: (blocks) => {
            for (const { block, depth, ordinal } of blocks)
              docs.push(blockDocument(block, item.id, depth, ordinal));
          },
        });
      const priorIds = prior?.capturedIds() ?? [];
      let walked: Walk;
      let requests = 0;
      try {
        // A child page changed and this page did not (its edit time is the one processed, and
        // that read was settled): its child_page blocks are at the top level of its tree, which
        // is all there is to read again.
        const topOnly =
          item.reason === 'parent' &&
          item.childChanges !== undefined &&
          prior !== undefined &&
          prior.lastEditedMinute !== 0 &&
          !prior.unsettled;
        if (topOnly) {
          const top = await walk(1);
          const { deleted, unsure } = compareTopLevel(view, item.id, priorIds, top, item.childChanges!);
          if (!unsure) {
            if (emitted) for (const id of top.blockIds) emitted.add(id);
            // A child page moved under a page walked in an earlier sweep: its block is that page's now.
            const moved = view.capturedByOtherPages(item.id, deleted);
            docs.push(...deletions(deleted.filter((id) => !moved.has(id))));
            const left = new Set(deleted);
            const before = new Set(priorIds);
            const ids = [
              ...priorIds.filter((id) => !left.has(id)),
              ...top.blockIds.filter((id) => !before.has(id)),
            ];
            return { docs, record: { capturedIds: ids }, childPages: top.childPages, requests: top.requests };
          }
          ctx.logger.debug('the top level of a parent page changed beyond its child pages; walking it all', {
            pageId: item.id,
          });
          docs = [];
          requests = top.requests;
        }
        walked = await walk();
      } catch (error) {
        if (!isNotionApiError(error, 'object_not_found')) throw error;
        ctx.logger.info('page answered 404 (purged or unshared); deleting its blocks', { pageId: item.id });
        return { docs: deletions(priorIds), record: null };
      }
      if (emitted) for (const id of walked.blockIds) emitted.add(id);
      reportDatabases(ctx, walked);
      const now = new Set(walked.blockIds);
      // Child pages the state knows whose child_page blocks left this tree (trashed, purged, moved):
      // the sweep checks each with one GET and every page stream emits what it finds.
      const vanishedPages = priorIds.filter((id) => !now.has(id) && view.page(id)?.trashed === false);
      const vanished = priorIds.filter((id) => !now.has(id) && !emitted?.has(id));
      // A block that left this page for another one the state already holds it under (walked in
      // an earlier sweep) has moved: its document is that page's now. Deleting it would lose it.
      const moved = view.capturedByOtherPages(item.id, vanished);
      if (moved.size > 0) {
        ctx.logger.debug('blocks left this page for another one; not deleting them', {
          pageId: item.id,
          moved: moved.size,
        });
      }
      docs.push(...deletions(vanished.filter((id) => !moved.has(id))));
      return {
        docs,
        record: { capturedIds: walked.blockIds },
        childPages: walked.childPages,
        vanishedPages,
        requests: requests + walked.requests,
      };
    },
    gone: (_id, prior) => deletions(prior?.capturedIds() ?? []),
  };
}

/** A blocks stream with non-default sweep options (overlap, deletion scan interval, concurrency). */
export function createBlocksStream(options: BlocksStreamOptions = {}): Stream<BlocksState> {
  return {
    name: 'blocks',
    capability: 'Read content',
    key: ['/id'],
    documentSchema: blocksDocumentSchema,
    syncModes: ['incremental', 'full_refresh'],
    stateSchema: blocksStateSchema,
    initialState: () => initialPageSweepState(),
    read(ctx, state) {
      return runPageSweep(ctx, state, blocksHandler(ctx, state.cursor !== null), {
        trackParents: true,
        ...options,
      });
    },
  };
}

/**
 * The whole block tree of every page (any depth), each block with `page_id`, `depth` and
 * `ordinal`; blocks that disappear from a re-read page are emitted as deletions.
 */
export const blocksStream: Stream<BlocksState> = createBlocksStream();
