// The data source document: the API's data source, its builder and schemas.
export {
  type DataSourceResponse,
  dataSourceDeletionZodSchema,
  dataSourceDocument,
  dataSourceDocumentZodSchema,
  dataSourceResponseSchema,
  dataSourcesDocumentSchema,
  dataSourcesDocumentZodSchema,
} from './data-source-document.js';
// The data_sources stream, its options and state.
export {
  createDataSourcesStream,
  type DataSourcesState,
  type DataSourcesStreamOptions,
  dataSourcesStateSchema,
  dataSourcesStream,
} from './data-sources-stream.js';
