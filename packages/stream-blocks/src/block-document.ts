import {
  collectionJsonSchema,
  deletionDocumentSchema,
  type JsonSchema,
  type NotionBlock,
  notionTimestampSchema,
  type StreamDocument,
} from '@source-notion/core';
import { z } from 'zod';

// The Notion response schema of a block is core's (NotionBlock: core walks page block trees).

/** A block document: the API block object plus where it sits in its page's tree. */
export function blockDocument(
  block: NotionBlock,
  pageId: string,
  depth: number,
  ordinal: number,
): StreamDocument {
  return { ...block, page_id: pageId, depth, ordinal };
}

export const blockDocumentZodSchema = z
  .looseObject({
    object: z.literal('block'),
    id: z.string().min(1),
    type: z.string(),
    created_time: notionTimestampSchema,
    last_edited_time: notionTimestampSchema,
    has_children: z.boolean(),
    parent: z.looseObject({ type: z.string() }),
    page_id: z.string().min(1).describe('The page whose block tree holds this block'),
    depth: z.number().int().min(1).describe("1 for a direct child of the page, 2 for a child's child, …"),
    ordinal: z.number().int().min(0).describe('0-based position among its siblings'),
  })
  .meta({ title: 'Notion block' });

/** A block that disappeared from its page's tree, or whose page is gone. */
export const blockDeletionZodSchema = deletionDocumentSchema('Deleted block');

export const blocksDocumentZodSchema = z.union([blockDocumentZodSchema, blockDeletionZodSchema]);

/** The published JSON schema (draft 2020-12): a block, or a deletion `{id, _meta:{op:'d'}}`. */
export const blocksDocumentSchema: JsonSchema = collectionJsonSchema(blocksDocumentZodSchema, {
  title: 'Notion blocks',
  idDescription: 'The block id (a UUID).',
});
