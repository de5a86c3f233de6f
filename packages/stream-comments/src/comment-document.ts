import {
  collectionJsonSchema,
  deletionDocumentSchema,
  type JsonSchema,
  notionTimestampSchema,
  type StreamDocument,
} from '@source-notion/core';
import { z } from 'zod';

/** A comment as `GET /v1/comments` lists it (unknown fields kept). */
export const commentResponseSchema = z.looseObject({
  object: z.literal('comment'),
  id: z.string(),
  discussion_id: z.string().optional(),
  parent: z.looseObject({ type: z.string() }).optional(),
});
export type CommentResponse = z.output<typeof commentResponseSchema>;

/** A comment document: the API comment object plus the page it belongs to. */
export function commentDocument(comment: CommentResponse, pageId: string): StreamDocument {
  return { ...comment, page_id: pageId };
}

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

/** A comment that disappeared (resolved or deleted), or whose page is gone. */
export const commentDeletionZodSchema = deletionDocumentSchema('Deleted or resolved comment');

export const commentsDocumentZodSchema = z.union([commentDocumentZodSchema, commentDeletionZodSchema]);

/** The published JSON schema (draft 2020-12): a comment, or a deletion `{id, _meta:{op:'d'}}`. */
export const commentsDocumentSchema: JsonSchema = collectionJsonSchema(commentsDocumentZodSchema, {
  title: 'Notion comments',
  idDescription: 'The comment id (a UUID).',
});
