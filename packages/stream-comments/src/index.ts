export {
  type CommentResponse,
  commentDeletionZodSchema,
  commentDocument,
  commentDocumentZodSchema,
  commentResponseSchema,
  commentsDocumentSchema,
  commentsDocumentZodSchema,
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
