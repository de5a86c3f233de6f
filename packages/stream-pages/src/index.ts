export {
  completePage,
  completePropertyValue,
  isTruncatedProperty,
  PROPERTY_REFERENCE_CAP,
  pageDeletion,
  pageDocument,
  pageDocumentZodSchema,
  pagesDocumentSchema,
  pagesDocumentZodSchema,
  truncatedProperties,
} from './page-document.js';
export {
  createPagesStream,
  type PagesState,
  type PagesStreamOptions,
  pagesStateSchema,
  pagesStream,
} from './pages-stream.js';
