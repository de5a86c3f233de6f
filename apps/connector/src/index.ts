// Running the built connector as a child process (the reliability harness does).
export {
  type ConnectorExit,
  type ConnectorLog,
  type ConnectorRun,
  type SpawnConnectorOptions,
  spawnConnector,
} from './connector-process.js';
// The collections a preview run writes, read back.
export { type CollectionStore, createCollectionStore } from './preview/collection-store.js';
// Counts as the connector's status lines write them ("1,200"), for tools that show its output.
export { formatCount } from './status-reporter.js';
