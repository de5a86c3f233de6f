import {
  collectList,
  deletionDocument,
  initialPageSweepState,
  isNotionApiError,
  listNotion,
  missingCapabilityError,
  type NotionCapability,
  type NotionClient,
  type PageSweepHandler,
  type PageSweepOptions,
  type PageSweepState,
  pageSweepStateSchema,
  runPageSweep,
  type Stream,
  type StreamContext,
  type StreamDocument,
  walkPageBlocks,
} from '@source-notion/core';
import {
  type CommentResponse,
  commentDocument,
  commentResponseSchema,
  commentsDocumentSchema,
} from './comment-document.js';

/**
 * The comments stream's state: core's page sweep state; each page's record keeps the ids of the
 * comments captured on it (packed: about 22 characters per comment; absent for pages without any).
 */
export type CommentsState = PageSweepState;
export const commentsStateSchema = pageSweepStateSchema;

export interface CommentsStreamOptions extends PageSweepOptions {
  /**
   * How often every known page's comments are listed again although its last_edited_time did not
   * move: adding or resolving a comment does not move it, so an incremental sweep cannot see
   * either on an otherwise unedited page. Costs one `GET /v1/comments` per known page (not in the
   * trash) per interval (plus one per block with `advanced.inline_comments`), spread over the
   * sweeps that follow (it is checkpointed: a crash resumes it). Default 24 hours.
   */
  fullRefreshIntervalMs?: number;
}

/** What listing comments needs: the stream's capability, named by its errors. */
const COMMENTS_CAPABILITY: NotionCapability = 'Read comments';

export const DEFAULT_COMMENTS_REFRESH_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** The unresolved comments on one page or block (`GET /v1/comments?block_id=`), every page of them. */
export async function listComments(
  notion: NotionClient,
  blockId: string,
  signal?: AbortSignal,
): Promise<CommentResponse[]> {
  try {
    return await collectList(
      listNotion(
        notion,
        LIST_COMMENTS,
        { path: 'comments', method: 'get', query: { block_id: blockId } },
        commentResponseSchema,
        { signal },
      ),
    );
  } catch (error) {
    if (isNotionApiError(error, 'restricted_resource')) {
      throw missingCapabilityError(error, {
        capability: COMMENTS_CAPABILITY,
        action: 'list comments',
        binding: 'comments',
      });
    }
    throw error;
  }
}

const LIST_COMMENTS = 'list comments';

/** A 403 of the comments endpoint: a capability the integration lacks, for every page alike. */
function isMissingCapability(error: unknown): boolean {
  return isNotionApiError(error, 'restricted_resource') && error.operation === LIST_COMMENTS;
}

function commentsHandler(ctx: StreamContext): PageSweepHandler {
  const inline = ctx.config.advanced.inline_comments;
  const deletions = (ids: Iterable<string>): StreamDocument[] => [...ids].map(deletionDocument);
  return {
    async process(item, prior, signal) {
      // A trashed page's comments are not part of the capture (they come back if it is restored).
      if (item.trashed) return { docs: deletions(prior?.capturedIds() ?? []), record: {} };
      const docs: StreamDocument[] = [];
      const ids: string[] = [];
      const seen = new Set<string>();
      const add = (comment: CommentResponse) => {
        if (seen.has(comment.id)) return;
        seen.add(comment.id);
        ids.push(comment.id);
        docs.push(commentDocument(comment, item.id));
      };
      let childPages: Awaited<ReturnType<typeof walkPageBlocks>>['childPages'] | undefined;
      // Listings made (a page of comments past 100 is not counted).
      let requests = 1;
      try {
        for (const comment of await listComments(ctx.notion, item.id, signal)) add(comment);
        if (inline) {
          // Notion says nothing of which blocks hold comments: one request per block.
          const walk = await walkPageBlocks(ctx.notion, item.id, { logger: ctx.logger, signal });
          childPages = walk.childPages;
          requests += walk.requests;
          // A child_page block's id is the child page's: its comments belong to that page.
          const childPageIds = new Set(walk.childPages.map((child) => child.id));
          for (const blockId of walk.blockIds) {
            if (childPageIds.has(blockId)) continue;
            requests++;
            try {
              for (const comment of await listComments(ctx.notion, blockId, signal)) add(comment);
            } catch (error) {
              if (!isNotionApiError(error, 'object_not_found')) throw error;
              ctx.logger.warn('comments of a block answered 404; skipping them', {
                pageId: item.id,
                blockId,
              });
            }
          }
        }
      } catch (error) {
        if (!isNotionApiError(error, 'object_not_found')) throw error;
        ctx.logger.info('page answered 404 (purged or unshared); deleting its comments', { pageId: item.id });
        return { docs: deletions(prior?.capturedIds() ?? []), record: null };
      }
      const gone = (prior?.capturedIds() ?? []).filter((id) => !seen.has(id));
      docs.push(...deletions(gone));
      return { docs, record: { capturedIds: ids }, childPages, requests };
    },
    gone: (_id, prior) => deletions(prior?.capturedIds() ?? []),
    isFatal: isMissingCapability,
  };
}

/**
 * A comments stream with non-default options (full refresh interval, overlap, deletion scan
 * interval, concurrency).
 */
export function createCommentsStream(options: CommentsStreamOptions = {}): Stream<CommentsState> {
  return {
    name: 'comments',
    capability: COMMENTS_CAPABILITY,
    key: ['/id'],
    documentSchema: commentsDocumentSchema,
    syncModes: ['incremental', 'full_refresh'],
    stateSchema: commentsStateSchema,
    initialState: () => initialPageSweepState(),
    read(ctx, state) {
      const { fullRefreshIntervalMs, ...sweep } = options;
      return runPageSweep(ctx, state, commentsHandler(ctx), {
        refreshIntervalMs: fullRefreshIntervalMs ?? DEFAULT_COMMENTS_REFRESH_INTERVAL_MS,
        ...sweep,
      });
    },
  };
}

/**
 * The unresolved comments of every page (and, with `advanced.inline_comments`, of every block),
 * each with `page_id`; comments that disappear (resolved or deleted) are emitted as deletions.
 */
export const commentsStream: Stream<CommentsState> = createCommentsStream();
