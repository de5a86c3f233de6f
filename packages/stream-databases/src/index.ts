// The database document: the API's database, its builder and schemas.
export {
  type DatabaseResponse,
  type DataSourceRef,
  databaseDeletionZodSchema,
  databaseDocument,
  databaseDocumentZodSchema,
  databaseResponseSchema,
  databasesDocumentSchema,
  databasesDocumentZodSchema,
  dataSourceRefSchema,
} from './database-document.js';
// The databases stream, its options and state.
export {
  createDatabasesStream,
  type DatabasesState,
  type DatabasesStreamOptions,
  databasesStateSchema,
  databasesStream,
} from './databases-stream.js';
