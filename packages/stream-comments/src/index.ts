export {
  commentDeletion,
  commentDeletionZodSchema,
  commentDocument,
  commentDocumentZodSchema,
  commentsDocumentSchema,
  commentsDocumentZodSchema,
  type NotionComment,
  notionCommentSchema,
} from './comment-document.js';
export {
  type CommentsState,
  type CommentsStreamOptions,
  commentsStateSchema,
  commentsStream,
  createCommentsStream,
  listComments,
} from './comments-stream.js';
