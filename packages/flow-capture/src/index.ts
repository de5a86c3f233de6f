// Each binding's state inside Flow's connector state.
export { bindingState, bindingStatePatch } from './binding-state.js';
// Errors of the protocol and of a binding's interval.
export { IntervalError, ProtocolError } from './errors.js';
// A binding's polling interval.
export { parseInterval } from './interval.js';
// Requests read from stdin, responses written to stdout.
export {
  type AcknowledgeRequest,
  type AppliedResponse,
  type ApplyRequest,
  appliedResponse,
  type CapturedDocument,
  type DiscoveredBinding,
  type DiscoveredResponse,
  type DiscoverRequest,
  discoveredResponse,
  type FlowRequest,
  type FlowRequestType,
  flowResponseSchema,
  type JsonSchema,
  type OAuth2Spec,
  type OpenedResponse,
  type OpenRequest,
  openedResponse,
  openRequestSchema,
  parseRequest,
  requestType,
  type SourcedSchemaResponse,
  type SpecRequest,
  type SpecResponse,
  sourcedSchemaResponse,
  specResponse,
  type ValidatedResponse,
  type ValidateRequest,
  validatedResponse,
} from './protocol.js';
// Documents and their checkpoint written as one transaction.
export { createTransactionWriter, type Transaction, type TransactionWriter } from './transaction-writer.js';
