export {
  normalizeBotOwner,
  type UserResponse,
  userDeletionZodSchema,
  userDocument,
  userDocumentZodSchema,
  userResponseSchema,
  usersDocumentSchema,
  usersDocumentZodSchema,
} from './user-document.js';
export {
  createUsersStream,
  type UsersState,
  type UsersStreamOptions,
  usersStateSchema,
  usersStream,
} from './users-stream.js';
