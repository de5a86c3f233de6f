// The comment document: the API's comment, its builder and schemas.
export {
  type CommentResponse,
  commentDeletionZodSchema,
  commentDocument,
  commentDocumentZodSchema,
  commentResponseSchema,
  commentsDocumentSchema,
  commentsDocumentZodSchema,
} from './comment-document.js';
// The comments stream, its options and state.
export {
  type CommentsState,
  type CommentsStreamOptions,
  commentsStateSchema,
  commentsStream,
  createCommentsStream,
} from './comments-stream.js';
