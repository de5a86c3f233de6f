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
  DEFAULT_COMMENTS_REFRESH_INTERVAL_MS,
  listComments,
} from './comments-stream.js';
