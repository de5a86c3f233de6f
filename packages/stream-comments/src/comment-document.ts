import {
  collectionJsonSchema,
  deletionDocument,
  deletionDocumentSchema,
  type JsonSchema,
  notionTimestampSchema,
} from '@source-notion/core';
import { z } from 'zod';

/** A Notion comment object (unknown fields kept). */
export const notionCommentSchema = z.looseObject({
  object: z.literal('comment'),
  id: z.string(),
  discussion_id: z.string().optional(),
  parent: z.looseObject({ type: z.string() }).optional(),
});
export type NotionComment = z.output<typeof notionCommentSchema>;

/** A comment document: the API comment object plus the page it belongs to. */
export function commentDocument(comment: NotionComment, pageId: string): Record<string, unknown> {
  return { ...comment, page_id: pageId };
}

/** The deletion document of a comment that disappeared (resolved or deleted) or whose page is gone. */
export const commentDeletion = deletionDocument;

export const commentDocumentZodSchema = z
  .looseObject({
    object: z.literal('comment'),
    id: z.string().min(1),
    discussion_id: z.string(),
    parent: z.looseObject({ type: z.string() }),
    created_time: notionTimestampSchema,
    last_edited_time: notionTimestampSchema,
    rich_text: z.array(z.looseObject({ type: z.string() })),
    page_id: z.string().min(1).describe('The page the comment is on (directly, or on one of its blocks)'),
  })
  .meta({ title: 'Notion comment' });

export const commentDeletionZodSchema = deletionDocumentSchema('Deleted or resolved comment');

export const commentsDocumentZodSchema = z.union([commentDocumentZodSchema, commentDeletionZodSchema]);

/** The published JSON schema (draft 2020-12): a comment, or a deletion `{id, _meta:{op:'d'}}`. */
export const commentsDocumentSchema: JsonSchema = collectionJsonSchema(commentsDocumentZodSchema, {
  title: 'Notion comments',
  idDescription: 'The comment id (a UUID).',
});
