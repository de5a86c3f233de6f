export {
  pageDeletionZodSchema,
  pageDocument,
  pageDocumentZodSchema,
  pagesDocumentSchema,
  pagesDocumentZodSchema,
} from './page-document.js';
export {
  completePage,
  completePropertyValue,
  isTruncatedProperty,
  PROPERTY_REFERENCE_CAP,
  truncatedProperties,
} from './page-properties.js';
export {
  createPagesStream,
  type PagesState,
  type PagesStreamOptions,
  pagesStateSchema,
  pagesStream,
} from './pages-stream.js';
