export {
  normalizeBotOwner,
  type UserResponse,
  userDeletionSchema,
  userDocument,
  userDocumentSchema,
  userResponseSchema,
  usersDocumentSchema,
  usersDocumentZodSchema,
} from './user-schema.js';
export { type UsersState, usersStateSchema, usersStream } from './users-stream.js';
