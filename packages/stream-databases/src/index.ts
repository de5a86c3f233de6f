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
export {
  createDatabasesStream,
  type DatabasesState,
  type DatabasesStreamOptions,
  DEFAULT_DATABASES_CONCURRENCY,
  databasesStateSchema,
  databasesStream,
  dataSourcesFingerprint,
} from './databases-stream.js';
