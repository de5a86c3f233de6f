export type { ConnectorState } from './binding-state.js';
export { bindingState, bindingStatePatch } from './binding-state.js';
export { IntervalError, ProtocolError } from './errors.js';
export { parseInterval } from './interval.js';
export type {
  AcknowledgeRequest,
  AppliedResponse,
  ApplyRequest,
  CapturedDocument,
  CapturedResponse,
  CheckpointResponse,
  DiscoveredBinding,
  DiscoveredResponse,
  DiscoverRequest,
  FlowRequest,
  FlowRequestType,
  FlowResponse,
  JsonSchema,
  OAuth2Spec,
  OpenedResponse,
  OpenRequest,
  SpecRequest,
  SpecResponse,
  ValidatedResponse,
  ValidateRequest,
} from './protocol.js';
export {
  acknowledgeRequestSchema,
  appliedResponse,
  applyRequestSchema,
  capturedResponse,
  checkpointResponse,
  discoveredResponse,
  discoverRequestSchema,
  FLOW_PROTOCOL_VERSION,
  FLOW_REQUEST_TYPES,
  flowResponseSchema,
  openedResponse,
  openRequestSchema,
  parseRequest,
  requestType,
  specRequestSchema,
  specResponse,
  validatedResponse,
  validateRequestSchema,
} from './protocol.js';
export type { Transaction, TransactionWriter } from './transaction-writer.js';
export { createTransactionWriter } from './transaction-writer.js';
