// The block document: its builder and schemas.
export {
  blockDeletionZodSchema,
  blockDocument,
  blockDocumentZodSchema,
  blocksDocumentSchema,
  blocksDocumentZodSchema,
} from './block-document.js';
// The blocks stream, its options and state.
export {
  type BlocksState,
  type BlocksStreamOptions,
  blocksStateSchema,
  blocksStream,
  createBlocksStream,
} from './blocks-stream.js';
