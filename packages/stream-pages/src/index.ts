// The page document: its builder and schemas.
export {
  pageDeletionZodSchema,
  pageDocument,
  pageDocumentZodSchema,
  pagesDocumentSchema,
  pagesDocumentZodSchema,
} from './page-document.js';
// The pages stream, its options and state.
export {
  createPagesStream,
  type PagesState,
  type PagesStreamOptions,
  pagesStateSchema,
  pagesStream,
} from './pages-stream.js';
