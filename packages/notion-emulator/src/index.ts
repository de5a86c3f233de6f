// Starting an emulator and what it answers with.
export {
  type Emulator,
  type EmulatorOptions,
  type ObjectFailure,
  startEmulator,
  type TokenOptions,
} from './emulator.js';
// What a complete capture must hold.
export type { GroundTruth, GroundTruthPageMarkdown, GroundTruthSummary } from './ground-truth.js';
// Seeded randomness (mulberry32), as the workspace generator draws it: the same seed, the same picks.
export { createRandom, type Random } from './random.js';
// Faults to inject.
export type { FaultKind, FaultOptions, InjectOptions } from './server/faults.js';
// What the Markdown endpoint answers.
export type { PageMarkdownResponse } from './server/handlers/markdown.js';
// Latency to add (Notion-like by default in the CLI).
export { type LatencyOptions, NOTION_LATENCY } from './server/latency.js';
// Notion's real limits (on by default) and their defaults.
export { DEFAULT_LIMITS, type LimitOptions, NO_LIMITS, type ResolvedLimits } from './server/limits.js';
// The requests the emulator served, and their counts.
export type { Counters, RequestLogEntry } from './server/request-log.js';
// An emulator with test defaults.
export { startTestEmulator } from './test-emulator.js';
// Webhook deliveries: what the emulator sends for its mutations, and how each delivery stands.
export type { WebhookDelivery, WebhookVerification } from './webhooks/webhook-dispatcher.js';
export type { WebhookEntityType, WebhookEventDraft, WebhookRef } from './webhooks/webhook-events.js';
export {
  AGGREGATED_EVENT_TYPES,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
  type WebhookOptions,
} from './webhooks/webhook-options.js';
// Editing a block.
export type { EditBlockChanges } from './workspace/block-mutations.js';
// Adding a comment.
export type { AddCommentOptions } from './workspace/comment-mutations.js';
// Adding data sources and pages.
export type { AddDataSourceOptions, AddPageOptions } from './workspace/creation-mutations.js';
// Workspace size presets.
export type { PropertyType, SizePreset } from './workspace/model.js';
// Hearing every workspace mutation.
export type {
  MutationListener,
  WorkspaceMutation,
  WorkspaceMutationName,
} from './workspace/mutation-listener.js';
// The workspace generator's knobs.
export type { WorkspaceOptions } from './workspace/options.js';
// Editing a page.
export type { EditPageChanges } from './workspace/page-mutations.js';
// The seeded workspace the emulator serves.
export { createWorkspace, Workspace } from './workspace/workspace.js';
// What a workspace mutation throws.
export { WorkspaceError } from './workspace/workspace-error.js';
