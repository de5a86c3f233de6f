export {
  type DataSourceResponse,
  dataSourceDeletionSchema,
  dataSourceDocument,
  dataSourceDocumentSchema,
  dataSourceResponseSchema,
  dataSourcesDocumentSchema,
  dataSourcesDocumentZodSchema,
  isInTrash,
} from './data-source-schema.js';
export {
  DATA_SOURCES_CONCURRENCY,
  type DataSourcesState,
  dataSourceStamp,
  dataSourcesStateSchema,
  dataSourcesStream,
} from './data-sources-stream.js';
