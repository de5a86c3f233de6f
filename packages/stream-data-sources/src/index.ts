export {
  type DataSourceResponse,
  dataSourceDeletionZodSchema,
  dataSourceDocument,
  dataSourceDocumentZodSchema,
  dataSourceResponseSchema,
  dataSourcesDocumentSchema,
  dataSourcesDocumentZodSchema,
} from './data-source-document.js';
export {
  createDataSourcesStream,
  type DataSourcesState,
  type DataSourcesStreamOptions,
  DEFAULT_DATA_SOURCES_CONCURRENCY,
  dataSourceStamp,
  dataSourcesStateSchema,
  dataSourcesStream,
} from './data-sources-stream.js';
