export {
  blockDeletionZodSchema,
  blockDocument,
  blockDocumentZodSchema,
  blocksDocumentSchema,
  blocksDocumentZodSchema,
} from './block-document.js';
export {
  type BlocksState,
  type BlocksStreamOptions,
  blocksStateSchema,
  blocksStream,
  createBlocksStream,
} from './blocks-stream.js';
