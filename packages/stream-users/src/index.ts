// The user document: the API's user, its builder and schemas.
export {
  type UserResponse,
  userDeletionZodSchema,
  userDocument,
  userDocumentZodSchema,
  userResponseSchema,
  usersDocumentSchema,
  usersDocumentZodSchema,
} from './user-document.js';
// The users stream, its options and state.
export {
  createUsersStream,
  type UsersState,
  type UsersStreamOptions,
  usersStateSchema,
  usersStream,
} from './users-stream.js';
