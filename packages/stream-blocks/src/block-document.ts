import type { JsonSchema, NotionBlock } from '@source-notion/core';
import { z } from 'zod';

/** A block document: the API block object plus where it sits in its page's tree. */
export function blockDocument(
  block: NotionBlock,
  pageId: string,
  depth: number,
  ordinal: number,
): Record<string, unknown> {
  return { ...block, page_id: pageId, depth, ordinal };
}

/** The deletion document of a block that disappeared (or whose page is gone). */
export function blockDeletion(id: string): Record<string, unknown> {
  return { id, _meta: { op: 'd' } };
}

const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 timestamp');

export const blockDocumentZodSchema = z
  .looseObject({
    object: z.literal('block'),
    id: z.string().min(1),
    type: z.string(),
    created_time: timestamp,
    last_edited_time: timestamp,
    has_children: z.boolean(),
    parent: z.looseObject({ type: z.string() }),
    page_id: z.string().min(1).describe('The page whose block tree holds this block'),
    depth: z.number().int().min(1).describe("1 for a direct child of the page, 2 for a child's child, …"),
    ordinal: z.number().int().min(0).describe('0-based position among its siblings'),
  })
  .meta({ title: 'Notion block' });

export const blockDeletionZodSchema = z
  .object({ id: z.string().min(1), _meta: z.looseObject({ op: z.literal('d') }) })
  .meta({ title: 'Deleted block' });

export const blocksDocumentZodSchema = z.union([blockDocumentZodSchema, blockDeletionZodSchema]);

/** The published JSON schema (draft 2020-12): a block, or a deletion `{id, _meta:{op:'d'}}`. */
export const blocksDocumentSchema: JsonSchema = {
  ...z.toJSONSchema(blocksDocumentZodSchema, { target: 'draft-2020-12' }),
  title: 'Notion blocks',
  type: 'object',
  properties: { id: { type: 'string', description: 'The block id (a UUID).' } },
  required: ['id'],
};
