export { createEmulatedClock, type EmulatedClock } from './clock.js';
export {
  DEFAULT_TOKEN,
  type Emulator,
  type EmulatorOptions,
  startEmulator,
  type TokenOptions,
} from './emulator.js';
export {
  buildGroundTruth,
  type GroundTruth,
  type GroundTruthBlock,
  type GroundTruthComment,
  type GroundTruthSummary,
  summarizeGroundTruth,
} from './ground-truth.js';
export { NOTION_VERSIONS, type NotionVersion } from './render/version.js';
export { MUTATIONS, type MutationName } from './server/admin.js';
export {
  FAULT_KINDS,
  type FaultKind,
  type FaultOptions,
  type FaultScheduleEntry,
  type InjectOptions,
  parseFaults,
} from './server/faults.js';
export { type LatencyOptions, NOTION_LATENCY, parseLatency } from './server/latency.js';
export type { Counters, RequestLogEntry } from './server/request-log.js';
export { ROUTE_NAMES, type RouteName } from './server/router.js';
export { startTestEmulator, TEST_EMULATOR_DEFAULTS } from './test-emulator.js';
export type { EditBlockChanges } from './workspace/block-mutations.js';
export type { AddCommentOptions } from './workspace/comment-mutations.js';
export type { AddDataSourceOptions, AddPageOptions } from './workspace/creation-mutations.js';
export type { SizePreset } from './workspace/model.js';
export { SIZE_PRESETS, type WorkspaceOptions } from './workspace/options.js';
export type { EditPageChanges } from './workspace/page-mutations.js';
export { createWorkspace, Workspace } from './workspace/workspace.js';
export { WorkspaceError } from './workspace/workspace-error.js';
