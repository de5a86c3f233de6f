import { z } from 'zod';
import { isNotionApiError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NotionClient } from '../notion-client.js';
import { listNotion } from '../notion-list.js';
import { collectList, type ListPage } from '../pagination.js';

/** A Notion block object (unknown fields kept). */
export const notionBlockSchema = z.looseObject({
  object: z.literal('block'),
  id: z.string(),
  type: z.string(),
  has_children: z.boolean().optional(),
  last_edited_time: z.string().optional(),
});
export type NotionBlock = z.output<typeof notionBlockSchema>;

export interface WalkedBlock {
  block: NotionBlock;
  /** 1 for a direct child of the page. */
  depth: number;
  /** 0-based position among its siblings. */
  ordinal: number;
}

export interface ChildPageRef {
  id: string;
  /** The child_page block's own last_edited_time. */
  lastEditedTime: string | undefined;
}

export interface WalkPageBlocksOptions {
  logger: Logger;
  signal?: AbortSignal | undefined;
  /** Called with each parent's children as they are read (in tree order per parent). */
  onBlocks?: (blocks: WalkedBlock[]) => void;
  /**
   * How many levels to read: 1 reads only the page's direct children (one listing, more past 100
   * children). Default: the whole tree.
   */
  maxDepth?: number;
}

export interface WalkPageBlocksResult {
  /** Every block id met, in the order read. */
  blockIds: string[];
  /** child_page blocks met: pages of their own, not descended into. */
  childPages: ChildPageRef[];
  /** child_database blocks met (their ids are the databases'): not descended into. */
  childDatabases: { id: string }[];
  /** Subtrees skipped because the API answered 404 or rejected the children call. */
  skippedSubtrees: number;
  /** Requests made (one per listing page). */
  requests: number;
}

/** Notion's answer for blocks whose children the API does not serve ("Block type X is not supported via the API"). */
const UNSUPPORTED_BLOCK = /is not supported via the API/i;

/** Block types whose children are never read: other pages and databases, and unsupported blocks. */
const NO_DESCENT = new Set(['child_page', 'child_database', 'unsupported']);

/** Whether a walker reads this block's children. */
export function shouldDescend(block: NotionBlock): boolean {
  if (block.has_children !== true || NO_DESCENT.has(block.type)) return false;
  if (block.type === 'synced_block') {
    // A reference's children are the original's: they are captured under the original's page.
    const synced = (block as Record<string, unknown>).synced_block as { synced_from?: unknown } | undefined;
    if (synced?.synced_from !== null && synced?.synced_from !== undefined) return false;
  }
  return true;
}

/**
 * Reads a page's whole block tree, any depth, iteratively (an explicit stack: no recursion
 * limit), one `GET /v1/blocks/{id}/children` listing per parent (down to `maxDepth` levels). Does not descend into
 * child_page / child_database / unsupported blocks, synced-block references, or blocks whose
 * children the API rejects (400 validation_error: skipped, quietly when it says the block type "is
 * not supported via the API", with a warning otherwise) or answers 404 (skipped with a warning;
 * the rest is captured). A block id met twice is not walked again (logged).
 *
 * A 404 on the page itself (the first listing) is thrown: the caller decides (the page is gone).
 */
export async function walkPageBlocks(
  notion: NotionClient,
  pageId: string,
  options: WalkPageBlocksOptions,
): Promise<WalkPageBlocksResult> {
  const { logger, signal } = options;
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const result: WalkPageBlocksResult = {
    blockIds: [],
    childPages: [],
    childDatabases: [],
    skippedSubtrees: 0,
    requests: 0,
  };
  const visited = new Set<string>([pageId]);
  const stack: Array<{ id: string; depth: number }> = [{ id: pageId, depth: 0 }];
  while (stack.length > 0) {
    const parent = stack.pop()!;
    let children: NotionBlock[];
    try {
      children = await collectList(
        countRequests(
          listNotion(
            notion,
            'list block children',
            { path: `blocks/${parent.id}/children`, method: 'get' },
            notionBlockSchema,
            { signal },
          ),
          result,
        ),
      );
    } catch (error) {
      if (parent.depth === 0) throw error;
      if (isNotionApiError(error, 'object_not_found')) {
        logger.warn('block children answered 404; skipping that subtree', {
          pageId,
          blockId: parent.id,
          requestId: error.requestId,
        });
      } else if (isNotionApiError(error, 'validation_error') && error.status === 400) {
        if (UNSUPPORTED_BLOCK.test(error.message)) {
          logger.debug('the API does not support this block type’s children; skipping them', {
            pageId,
            blockId: parent.id,
          });
        } else {
          logger.warn('the API rejected a block’s children (400 validation_error); skipping that subtree', {
            pageId,
            blockId: parent.id,
            requestId: error.requestId,
            error: error.message,
          });
        }
      } else {
        throw error;
      }
      result.skippedSubtrees++;
      continue;
    }
    const walked: WalkedBlock[] = [];
    const descend: Array<{ id: string; depth: number }> = [];
    children.forEach((block, ordinal) => {
      if (visited.has(block.id)) {
        logger.warn('block met twice while walking a page; not walking it again', {
          pageId,
          blockId: block.id,
        });
        return;
      }
      visited.add(block.id);
      result.blockIds.push(block.id);
      walked.push({ block, depth: parent.depth + 1, ordinal });
      if (block.type === 'child_page') {
        result.childPages.push({ id: block.id, lastEditedTime: block.last_edited_time });
      } else if (block.type === 'child_database') {
        result.childDatabases.push({ id: block.id });
      }
      if (parent.depth + 1 < maxDepth && shouldDescend(block))
        descend.push({ id: block.id, depth: parent.depth + 1 });
    });
    options.onBlocks?.(walked);
    // Reverse, so the first child is walked first (depth-first, tree order).
    for (let i = descend.length - 1; i >= 0; i--) stack.push(descend[i]!);
  }
  return result;
}

async function* countRequests<T>(
  pages: AsyncIterable<ListPage<T>>,
  result: { requests: number },
): AsyncGenerator<ListPage<T>, void, undefined> {
  for await (const page of pages) {
    result.requests++;
    yield page;
  }
}
