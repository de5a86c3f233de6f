import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { NotionClient } from '../notion-client.js';
import { retrieveNotionObject } from '../notion-objects.js';
import { isInTrash } from '../stream-documents.js';
import type { FoundPage, FoundPages } from './found-pages.js';
import { type NotionPage, parentPageIdOf, retrievePage } from './page-objects.js';

/** A page's parent when it is a page or a block (a workspace, database or data source parent ends a climb). */
export interface ParentRef {
  type: 'page' | 'block';
  id: string;
}

/** The parent of a page or block object, when it is a page or a block. */
export function parentRefOf(object: Record<string, unknown> | undefined): ParentRef | undefined {
  const parent = object?.parent as { type?: string; page_id?: unknown; block_id?: unknown } | undefined;
  if (parent?.type === 'page_id' && typeof parent.page_id === 'string')
    return { type: 'page', id: parent.page_id };
  if (parent?.type === 'block_id' && typeof parent.block_id === 'string')
    return { type: 'block', id: parent.block_id };
  return undefined;
}

const blockParentSchema = z.looseObject({ object: z.literal('block'), id: z.string() });

/** Blocks climbed through at most, from one block to the page holding it. */
const MAX_BLOCK_HOPS = 64;

export interface ClimbOptions {
  logger: Logger;
  clock: Clock;
  signal?: AbortSignal | undefined;
}

/**
 * The page `ref` is, or holds it (a block: `GET /v1/blocks/{id}` up its parents to the page):
 * `GET /v1/pages/{id}`. Undefined when a step answers 404 or the chain ends elsewhere.
 */
export async function climbToPage(
  notion: NotionClient,
  ref: ParentRef,
  options: ClimbOptions,
): Promise<{ page: NotionPage; readAt: number } | undefined> {
  let current: ParentRef | undefined = ref;
  for (let hops = 0; current?.type === 'block'; hops++) {
    if (hops >= MAX_BLOCK_HOPS) return undefined;
    const id: string = current.id;
    const block = await retrieveNotionObject(
      notion,
      'retrieve block',
      (sdk) => sdk.request({ path: `blocks/${id}`, method: 'get' }),
      blockParentSchema,
      options.signal,
    );
    current = parentRefOf(block);
  }
  if (current === undefined) return undefined;
  const readAt = options.clock.now();
  const page = await retrievePage(notion, current.id, options.signal);
  return page === undefined ? undefined : { page, readAt };
}

/** A fetched page as a found page (reason 'parent'). */
export function foundParent(page: NotionPage, readAt: number): FoundPage {
  return {
    id: page.id,
    lastEditedTime: page.last_edited_time,
    parentPageId: parentPageIdOf(page),
    page,
    readAt,
    trashed: isInTrash(page),
    reason: 'parent',
  };
}

/**
 * Climbs once for the whole capture to the parent `ref` that nobody has found: claims it on the
 * channel (a parent another sweep already claimed costs nothing), fetches it, and publishes it as
 * a found page (reason 'parent') that every page sweep of the capture processes; a sweep that
 * processes it climbs on from it. The channel's readers wait for the climb. A failure is logged,
 * the claim released (a later sweep tries again), and never fails a sweep. Returns false when the
 * parent was claimed already.
 */
export function climbParent(
  found: FoundPages,
  notion: NotionClient,
  ref: ParentRef,
  options: ClimbOptions,
): boolean {
  if (!found.claim(ref.id)) return false;
  const climb = async () => {
    try {
      const reached = await climbToPage(notion, ref, options);
      if (reached === undefined) {
        options.logger.info('a found page’s parent is not readable (404); not climbing further', {
          parentId: ref.id,
          parentType: ref.type,
        });
        return;
      }
      if (ref.type === 'block' && !found.claim(reached.page.id)) return;
      found.publish([foundParent(reached.page, reached.readAt)]);
    } catch (error) {
      found.release(ref.id);
      if (options.signal?.aborted === true) return;
      options.logger.warn('could not fetch a found page’s parent; trying again next sweep', {
        parentId: ref.id,
        parentType: ref.type,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  void found.hold(climb());
  return true;
}
