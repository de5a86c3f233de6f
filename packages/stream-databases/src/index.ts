export {
  type DatabaseResponse,
  type DataSourceRef,
  databaseDeletionSchema,
  databaseDocument,
  databaseDocumentSchema,
  databaseResponseSchema,
  databasesDocumentSchema,
  databasesDocumentZodSchema,
  dataSourceRefSchema,
} from './database-schema.js';
export {
  DATABASES_CONCURRENCY,
  type DatabasesState,
  databasesStateSchema,
  databasesStream,
  dataSourcesFingerprint,
} from './databases-stream.js';
