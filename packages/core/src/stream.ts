import type { z } from 'zod';
import type { Clock } from './clock.js';
import type { EndpointConfig } from './config.js';
import type { JsonSchema } from './json-schema.js';
import type { Logger } from './logger.js';
import type { MergePatch } from './merge-patch.js';
import type { NotionClient } from './notion-client.js';
import type { CaptureHub } from './pages/capture-hub.js';
import type { StreamDocument } from './stream-documents.js';
import type { RefreshTarget } from './webhooks.js';

/** The Notion resources the capture emits, one collection each. */
export const STREAM_NAMES = [
  'users',
  'databases',
  'data_sources',
  'pages',
  'blocks',
  'comments',
  'page_markdown',
] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

export type SyncMode = 'incremental' | 'full_refresh';

/**
 * The Notion integration capabilities a stream can need, as the integration's settings name them
 * (notion.so/profile/integrations → Capabilities). Without it Notion answers 403 restricted_resource.
 * "Read user information" comes with or without email addresses: either lets the users stream list.
 */
export const NOTION_CAPABILITIES = ['Read content', 'Read comments', 'Read user information'] as const;
export type NotionCapability = (typeof NOTION_CAPABILITIES)[number];

/**
 * What one sweep yields: documents, and whenever a consistent resume point is reached, a
 * checkpoint that is a merge patch of the stream's state. Everything yielded before a
 * checkpoint is committed with it. A stream whose documents follow the source's own schema (a
 * data source's typed rows) yields `schema`, the widened schema of its collection, before the first
 * document of a new shape, and a checkpoint right after it: the connector sends it to Flow as a
 * `sourcedSchema`.
 */
export type StreamEvent<State> =
  | { doc: StreamDocument }
  | { checkpoint: MergePatch<State> }
  | { schema: JsonSchema };

/** Progress of the sweep in flight, for status lines ("Backfilling blocks: 1,200 of ~5,000 pages"). */
export interface StreamProgress {
  /** What is being counted, plural: "pages", "users", "data sources". */
  unit: string;
  done: number;
  /** An estimate of the total when one is known. */
  total?: number | undefined;
  /** True while the stream has no cursor yet (first capture). */
  backfill: boolean;
}

/** Everything a stream may use. Streams never talk HTTP themselves: `notion` does. */
export interface StreamContext {
  notion: NotionClient;
  logger: Logger;
  config: EndpointConfig;
  signal: AbortSignal;
  clock: Clock;
  /** Reports progress; optional for callers that do not show it. */
  progress?: ((progress: StreamProgress) => void) | undefined;
  /**
   * Shared by the streams of one capture: child pages that only the blocks stream meets reach the
   * pages and comments streams, concurrent page listings are made once, and so is the data source
   * listing of the databases and data_sources streams and page discovery. One per capture
   * (createCaptureHub); optional: without it each stream lists on its own.
   */
  hub?: CaptureHub | undefined;
  /**
   * Tells operators something they should know that is not an error (a search listing cut short):
   * the connector shows it as a `connectorStatus` line. Optional.
   */
  notice?: ((message: string) => void) | undefined;
  /**
   * Set when the sweep was woken by webhook events: what they named. A stream on the page engine
   * then refreshes only those pages (a targeted sweep: runPageSweep); any other stream ignores
   * them and sweeps as usual (the data_sources and databases streams list again). Optional.
   */
  targets?: readonly RefreshTarget[] | undefined;
}

export interface Stream<State> {
  /**
   * The stream's name: one of STREAM_NAMES, or for a stream made per Notion object (a data
   * source's typed rows) a name of its own (`rows.<data source id>`).
   */
  readonly name: StreamName | (string & {});
  /** JSON pointers of the collection key, e.g. ['/id']. */
  readonly key: readonly string[];
  /** The JSON schema of every document the stream emits (deletions included). */
  readonly documentSchema: JsonSchema;
  readonly syncModes: readonly SyncMode[];
  /**
   * The capability the stream cannot read without. The connector reads it: discover proposes the
   * binding disabled when the token lacks it, and error messages name it.
   */
  readonly capability: NotionCapability;
  /** Validates the persisted per-binding state; state that does not parse means a fresh backfill. */
  readonly stateSchema: z.ZodType<State>;
  initialState(config: EndpointConfig): State;
  /** One sweep from `state`. */
  read(ctx: StreamContext, state: State): AsyncIterable<StreamEvent<State>>;
}
