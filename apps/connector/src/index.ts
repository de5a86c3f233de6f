export type { Capabilities } from './capabilities.js';
export { probeCapabilities } from './capabilities.js';
export type { CaptureOptions, CaptureResult } from './capture.js';
export {
  BUFFER_WARNING_DOCS,
  DEFAULT_INTERVAL_MS,
  MAX_SESSION_MS,
  runCapture,
  STOP_GRACE_MS,
} from './capture.js';
export { runCli, USAGE } from './cli.js';
export type { CliIo } from './cli-io.js';
export type { ConnectorIo } from './connector.js';
export { runConnector } from './connector.js';
export type {
  ConnectorCommand,
  ConnectorExit,
  ConnectorLog,
  ConnectorRun,
  SpawnConnectorOptions,
} from './connector-process.js';
export { ConnectorFailedError, callConnector, parseLogLine, spawnConnector } from './connector-process.js';
export { DescribedError, describeError } from './describe-error.js';
export { collectionSchema, discoveredBindings } from './discover.js';
export type { ConnectorEnvironment, EnvironmentSwitch } from './environment.js';
export { ENVIRONMENT_SWITCHES, environmentHelp, readEnvironment } from './environment.js';
export type { Runtime } from './notion-session.js';
export { openNotionClient } from './notion-session.js';
export type { CollectionStore } from './preview/collection-store.js';
export { createCollectionStore, readPointer } from './preview/collection-store.js';
export type { PreviewOptions, PreviewResult, PreviewStats, StreamStats } from './preview/preview.js';
export { runPreview } from './preview/preview.js';
export { connectorSpec, DOCUMENTATION_URL, NOTION_OAUTH2 } from './spec.js';
export type { AnyStream } from './streams.js';
export { ALL_STREAMS, findStream } from './streams.js';
export { resolveBinding, validateBindings } from './validate.js';
export { CONNECTOR_VERSION } from './version.js';
