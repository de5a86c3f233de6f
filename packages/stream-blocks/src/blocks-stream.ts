import {
  compactId,
  initialPageSweepState,
  isNotionApiError,
  type PageSweepHandler,
  type PageSweepOptions,
  type PageSweepState,
  type PageSweepView,
  packIds,
  pageSweepStateSchema,
  runPageSweep,
  type Stream,
  type StreamContext,
  type StreamDocument,
  unpackIds,
  walkPageBlocks,
} from '@source-notion/core';
import { blockDeletion, blockDocument, blocksDocumentSchema } from './block-document.js';

/**
 * The blocks stream's state: core's page sweep state; each page's entry packs the ids of the
 * blocks captured under it (`k`: 16 bytes per block as base64url, about 22 characters per block).
 */
export type BlocksState = PageSweepState;
export const blocksStateSchema = pageSweepStateSchema;

export type BlocksStreamOptions = PageSweepOptions;

/**
 * The ids among `candidates` that the view records under a page other than `pageId`: blocks that
 * vanished from `pageId` because they moved there. Decodes the other pages' packed ids once per
 * call, and only when there are candidates (a page with blocks that disappeared).
 */
export function recordedElsewhere(view: PageSweepView, pageId: string, candidates: string[]): Set<string> {
  const found = new Set<string>();
  if (candidates.length === 0) return found;
  const wanted = new Set(candidates);
  const own = compactId(pageId);
  for (const [key, entry] of view.entries()) {
    if (key === own || entry.k === undefined || entry.d === 1) continue;
    for (const id of unpackIds(entry.k)) {
      if (wanted.has(id)) {
        found.add(id);
        if (found.size === wanted.size) return found;
      }
    }
  }
  return found;
}

function blocksHandler(ctx: StreamContext, incremental: boolean): PageSweepHandler {
  // Block ids emitted by this sweep: a block that left page A for page B must not be deleted by
  // A's re-read after B emitted it. Only kept by incremental sweeps (a backfill deletes nothing).
  const emitted = incremental ? new Set<string>() : undefined;
  const deletions = (ids: Iterable<string>): StreamDocument[] => {
    const docs: StreamDocument[] = [];
    for (const id of ids) if (!emitted?.has(id)) docs.push(blockDeletion(id));
    return docs;
  };
  return {
    async process(item, prior, signal, view) {
      // A trashed page keeps its tree in Notion, but a capture holds only live pages' blocks.
      if (item.trashed) return { docs: deletions(unpackIds(prior?.k)), entry: {} };
      const docs: StreamDocument[] = [];
      let walk: Awaited<ReturnType<typeof walkPageBlocks>>;
      try {
        walk = await walkPageBlocks(ctx.notion, item.id, {
          logger: ctx.logger,
          signal,
          onBlocks: (blocks) => {
            for (const { block, depth, ordinal } of blocks)
              docs.push(blockDocument(block, item.id, depth, ordinal));
          },
        });
      } catch (error) {
        if (!isNotionApiError(error, 'object_not_found')) throw error;
        ctx.logger.info('page answered 404 (purged or unshared); deleting its blocks', { pageId: item.id });
        return { docs: deletions(unpackIds(prior?.k)), entry: null };
      }
      if (emitted) for (const id of walk.blockIds) emitted.add(id);
      const now = new Set(walk.blockIds);
      const vanished = unpackIds(prior?.k).filter((id) => !now.has(id) && !emitted?.has(id));
      // A block that left this page for another one the state already holds it under (walked in
      // an earlier sweep) has moved: its document is that page's now. Deleting it would lose it.
      const moved = recordedElsewhere(view, item.id, vanished);
      if (moved.size > 0) {
        ctx.logger.debug('blocks left this page for another one; not deleting them', {
          pageId: item.id,
          moved: moved.size,
        });
      }
      docs.push(...deletions(vanished.filter((id) => !moved.has(id))));
      return { docs, entry: { k: packIds(walk.blockIds) }, childPages: walk.childPages };
    },
    gone: (_id, prior) => deletions(unpackIds(prior?.k)),
  };
}

/** A blocks stream with non-default sweep options (overlap, deletion scan interval, concurrency). */
export function createBlocksStream(options: BlocksStreamOptions = {}): Stream<BlocksState> {
  return {
    name: 'blocks',
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
