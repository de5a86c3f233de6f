// Time: the real clock, scaled for the emulator's time scale.
export { type Clock, createSystemClock, type SystemClockOptions } from './clock.js';
// The endpoint config: parsing it, its JSON schema for spec, the token it carries.
export {
  type EndpointConfig,
  endpointConfigJsonSchema,
  type NotionVersion,
  notionToken,
  type OAuthCredentials,
  type ParseEndpointConfigOptions,
  parseEndpointConfig,
  type TokenCredentials,
} from './config.js';
// Errors callers catch and tell apart.
export {
  ConfigError,
  ConnectorError,
  CursorRejectedError,
  IncompleteListError,
  isNotionApiError,
  isObjectScopedError,
  NetworkError,
  NotionApiError,
  type NotionApiErrorOptions,
  type NotionErrorCode,
  ResponseValidationError,
  requestIdOfError,
} from './errors.js';
// A JSON Schema document (collection schemas, the config schema).
export type { JsonSchema } from './json-schema.js';
// JSON-line logs on stderr, with secrets redacted.
export {
  createLogger,
  createSilentLogger,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  parseLogLevel,
  RevealedSecret,
  redactSecrets,
  registerSecret,
  revealSecret,
} from './logger.js';
// Bounded concurrency.
export { mapConcurrent } from './map-concurrent.js';
// RFC 7396 merge patches: how checkpoints change stream state.
export {
  applyMergePatch,
  cloneObjects,
  createMergePatch,
  type MergePatch,
  mergePatchInPlace,
} from './merge-patch.js';
// The 403 that names the integration capability to enable.
export { type MissingCapabilityOptions, missingCapabilityError } from './missing-capability.js';
// The HTTP client to Notion: rate limited and retried.
export {
  createNotionClient,
  DEFAULT_NOTION_BASE_URL,
  type NotionCallOptions,
  type NotionClient,
  type NotionClientOptions,
} from './notion-client.js';
// Notion ids: compact and packed forms for stream state.
export { compactId, expandId, isNotionId, packIds, unpackIds } from './notion-ids.js';
// Any Notion listing, each result checked by a schema.
export { type ListNotionOptions, listNotion, type NotionRequest } from './notion-list.js';
// One Notion object by id (404 is undefined).
export { retrieveNotionObject } from './notion-objects.js';
// The hub the page streams share within one capture (listings, child pages).
export {
  awaitLateDiscoveries,
  type CaptureHub,
  type CaptureHubOptions,
  createCaptureHub,
} from './pages/capture-hub.js';
// Climbing to the parent of a found page.
export { type ParentRef, parentRefOf } from './pages/climb.js';
// Page property values past 25 references, completed through the property item endpoint.
export {
  type CompletedPages,
  completePageOnce,
  createCompletedPages,
  readCompletePage,
} from './pages/completed-pages.js';
// The data source listing the databases, data_sources and page streams share.
export {
  type DataSourceListing,
  type DataSourceListingRequest,
  type DataSourceListings,
  type DataSourceListingsHooks,
  type LearnedObjects,
  listDataSources,
} from './pages/data-source-listings.js';
// Naming an object skipped for one sweep (unreadable data source or database).
export {
  parentDatabaseIdOf,
  parentDataSourceIdOf,
  titleOf,
  warnSkipped,
} from './pages/database-resolution.js';
// What page discovery reports (data sources skipped, a search cut short).
export { type DiscoveredPage, type DiscoveryStats, emptyDiscoveryStats } from './pages/discovery.js';
// Pages found outside discovery, shared by the page sweeps of a capture while they run.
export {
  createFoundPages,
  type FoundPage,
  type FoundPages,
  type FoundPagesReader,
} from './pages/found-pages.js';
// A page as Notion-flavored Markdown (v2): GET /v1/pages/{id}/markdown.
export {
  PAGE_MARKDOWN_VERSION,
  type PageMarkdown,
  pageMarkdownSchema,
  type RetrievePageMarkdownOptions,
  retrievePageMarkdown,
} from './pages/page-markdown.js';
// The Notion page object.
export { type NotionPage, notionPageSchema, retrievePage } from './pages/page-objects.js';
export {
  completePage,
  completePropertyValue,
  isTruncatedProperty,
  PROPERTY_REFERENCE_CAP,
  truncatedProperties,
} from './pages/page-properties.js';
// The page engine's persisted state and its views during a sweep.
export {
  initialPageSweepState,
  type PageEntry,
  PageLedger,
  PageRecord,
  type PageSweepState,
  type PageSweepView,
  type ProcessedPage,
  pageSweepStateSchema,
  type RevisitedPage,
} from './pages/page-state.js';
// One sweep of the page engine the pages, blocks and comments streams run on.
export { runPageSweep } from './pages/page-sweep.js';
// Search as a hint: a listing that ends early without failing.
export { type SearchOutcome, searchListing } from './pages/search-listing.js';
// What a page stream implements for the page engine.
export type { PageOutcome, PageSweepHandler, PageWorkItem } from './pages/sweep-handler.js';
// The page engine's options.
export { type PageSweepOptions, WEBHOOK_SAFETY_NET_INTERVAL_MS } from './pages/sweep-plan.js';
// What a page sweep counts.
export type { PageSweepStats } from './pages/sweep-run.js';
export { runTargetedSweep } from './pages/targeted-sweep.js';
// A page's block tree, walked iteratively.
export {
  type NotionBlock,
  type WalkPageBlocksOptions,
  type WalkPageBlocksResult,
  walkPageBlocks,
} from './pages/walk-page-blocks.js';
// Cursor pagination: restarts on an invalid cursor, flags incomplete pages.
export {
  collectList,
  type FetchPage,
  type IteratePagesOptions,
  iteratePages,
  type ListPage,
} from './pagination.js';
// The request budget per token, shared by every client in the process.
export {
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimiterStats,
  sharedRateLimiter,
} from './rate-limiter.js';
// Which failures are worth retrying.
export { isRetryableError } from './retry.js';
// Stream state as the connector loads it, and reloads it after Flow stored it.
export { type LoadedStreamState, loadStreamState, reloadStreamState, type StatefulStream } from './state.js';
// The Stream contract every stream-* package implements.
export {
  type NotionCapability,
  STREAM_NAMES,
  type Stream,
  type StreamContext,
  type StreamEvent,
  type StreamName,
  type StreamProgress,
  type SyncMode,
} from './stream.js';
// What every stream's documents share: deletions, collection schemas, property lists, trash.
export {
  type CollectionJsonSchemaOptions,
  collectionJsonSchema,
  deletionDocument,
  deletionDocumentSchema,
  isDeletionDocument,
  isInTrash,
  notionTimestampSchema,
  propertyListSchema,
  type StreamDocument,
  withoutRequestId,
  withPropertyList,
} from './stream-documents.js';
// The overlap window and checkpoint batching of the databases and data_sources streams.
export {
  createStatePatchBatch,
  type StatePatchBatch,
  type SweepWindow,
  sweepWindow,
} from './sweep-window.js';
// Webhook events as change signals: signatures, bodies, what they ask to refresh.
export {
  type RefreshTarget,
  readWebhookEvent,
  refreshTargetFromKey,
  refreshTargetKey,
  signWebhookBody,
  targetConcernsStream,
  verifyWebhookBody,
  type WebhookEvent,
  type WebhookEventReading,
} from './webhooks.js';
export {
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  DEFAULT_WEBHOOK_PORT,
  type WebhooksConfig,
} from './webhooks-config.js';
