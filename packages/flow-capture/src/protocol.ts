import { z } from 'zod';
import { ProtocolError } from './errors.js';

/** The protocol version `spec` must answer; the runtime rejects anything else. */
export const FLOW_PROTOCOL_VERSION = 3032023;

/** A JSON Schema document (draft 2020-12), as published in spec and discover responses. */
export type JsonSchema = { [key: string]: unknown };

/** A captured document: any JSON object. */
export type CapturedDocument = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Requests

const jsonObject = z.record(z.string(), z.unknown());
/** proto3 JSON may write integers as strings. */
const uint = z.preprocess(
  (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
  z.number().int().min(0),
);

const validateBindingSchema = z.looseObject({
  resourceConfig: jsonObject,
  collection: jsonObject.optional(),
  backfill: uint.optional(),
});

const captureBindingSchema = z.looseObject({
  resourceConfig: jsonObject,
  resourcePath: z.array(z.string()).optional(),
  collection: jsonObject.optional(),
  backfill: uint.optional(),
  stateKey: z.string().min(1),
});

const captureSpecSchema = z.looseObject({
  name: z.string().optional(),
  connectorType: z.string().optional(),
  config: jsonObject,
  intervalSeconds: uint.optional(),
  bindings: z.array(captureBindingSchema).default([]),
});

export const specRequestSchema = z.looseObject({
  connectorType: z.string().optional(),
  config: jsonObject.optional(),
});
export const discoverRequestSchema = z.looseObject({
  connectorType: z.string().optional(),
  config: jsonObject,
});
export const validateRequestSchema = z.looseObject({
  name: z.string().optional(),
  connectorType: z.string().optional(),
  config: jsonObject,
  bindings: z.array(validateBindingSchema).default([]),
  lastCapture: jsonObject.optional(),
});
export const applyRequestSchema = z.looseObject({
  capture: z.looseObject({
    name: z.string().optional(),
    config: jsonObject.optional(),
    bindings: z
      .array(z.looseObject({ resourceConfig: jsonObject.optional(), stateKey: z.string().optional() }))
      .default([]),
  }),
  version: z.string().optional(),
  lastCapture: jsonObject.optional(),
  dryRun: z.boolean().optional(),
});
export const openRequestSchema = z.looseObject({
  capture: captureSpecSchema,
  version: z.string().optional(),
  range: jsonObject.optional(),
  state: z.preprocess((value) => value ?? {}, jsonObject),
});
export const acknowledgeRequestSchema = z.looseObject({
  checkpoints: uint.default(1),
});

export type SpecRequest = z.output<typeof specRequestSchema>;
export type DiscoverRequest = z.output<typeof discoverRequestSchema>;
export type ValidateRequest = z.output<typeof validateRequestSchema>;
export type ApplyRequest = z.output<typeof applyRequestSchema>;
export type OpenRequest = z.output<typeof openRequestSchema>;
export type AcknowledgeRequest = z.output<typeof acknowledgeRequestSchema>;

export type FlowRequest =
  | { spec: SpecRequest }
  | { discover: DiscoverRequest }
  | { validate: ValidateRequest }
  | { apply: ApplyRequest }
  | { open: OpenRequest }
  | { acknowledge: AcknowledgeRequest };

export type FlowRequestType = 'spec' | 'discover' | 'validate' | 'apply' | 'open' | 'acknowledge';

const REQUEST_SCHEMAS = {
  spec: specRequestSchema,
  discover: discoverRequestSchema,
  validate: validateRequestSchema,
  apply: applyRequestSchema,
  open: openRequestSchema,
  acknowledge: acknowledgeRequestSchema,
} as const satisfies Record<FlowRequestType, z.ZodType>;

export const FLOW_REQUEST_TYPES = Object.keys(REQUEST_SCHEMAS) as FlowRequestType[];

/** The type of a parsed request. */
export function requestType(request: FlowRequest): FlowRequestType {
  return Object.keys(request)[0] as FlowRequestType;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Parses one stdin line into a request. Unknown fields are kept and ignored; `$internal` and
 * other unknown top-level keys beside the request are ignored. Throws a `ProtocolError` saying
 * what is wrong: not JSON, no known request type, or a missing/mistyped required field
 * ("open request is missing capture.bindings[0].stateKey"). Messages never quote the line: it
 * carries the endpoint config and its secrets.
 */
export function parseRequest(line: string): FlowRequest {
  const text = line.trim();
  if (text === '') throw new ProtocolError('empty request line: expected one JSON request object per line');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // The SyntaxError's message quotes the input (which may hold secrets): keep only the position.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw new ProtocolError(
      `request line is not valid JSON${position === undefined ? '' : ` (at position ${position}`}${position === undefined ? '' : ` of ${text.length})`}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ProtocolError(
      `request must be a JSON object with one of ${FLOW_REQUEST_TYPES.join(', ')}; got ${describeType(raw)}`,
    );
  }
  const keys = Object.keys(raw);
  const known = keys.filter((key): key is FlowRequestType => Object.hasOwn(REQUEST_SCHEMAS, key));
  if (known.length === 0) {
    const shown = keys.filter((key) => key !== '$internal').slice(0, 5);
    throw new ProtocolError(
      `unknown request type ${shown.length === 0 ? '(empty object)' : shown.map((key) => `"${key.slice(0, 40)}"`).join(', ')}: expected one of ${FLOW_REQUEST_TYPES.join(', ')}`,
    );
  }
  if (known.length > 1) {
    throw new ProtocolError(`request has several request types (${known.join(', ')}): expected exactly one`);
  }
  const type = known[0] as FlowRequestType;
  const body = (raw as Record<string, unknown>)[type];
  const result = REQUEST_SCHEMAS[type].safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue ? formatPath(issue.path) : '';
    const value = issue ? valueAt(body, issue.path) : undefined;
    let message: string;
    if (issue === undefined) {
      message = `${type} request is invalid`;
    } else if (path === '' && issue.code === 'invalid_type') {
      message = `${type} request must be an object; got ${describeType(body)}`;
    } else if (issue.code === 'invalid_type' && value === undefined) {
      message = `${type} request is missing ${path}`;
    } else if (issue.code === 'invalid_type') {
      message = `${type} request field ${path} must be ${issue.expected === 'record' ? 'an object' : `${issue.expected === 'array' ? 'an' : 'a'} ${issue.expected}`}; got ${describeType(value)}`;
    } else if (issue.code === 'too_small' && issue.origin === 'string') {
      message = `${type} request field ${path} is empty`;
    } else {
      message = `${type} request field ${path} is invalid: ${issue.message}`;
    }
    throw new ProtocolError(message, { cause: result.error });
  }
  return { [type]: result.data } as FlowRequest;
}

// ---------------------------------------------------------------------------------------------
// Responses

export interface OAuth2Spec {
  provider: string;
  authUrlTemplate: string;
  accessTokenUrlTemplate: string;
  accessTokenMethod?: string;
  accessTokenBody?: string;
  accessTokenHeaders?: Record<string, string>;
  accessTokenResponseMap?: Record<string, string>;
  [key: string]: unknown;
}

export interface SpecResponse {
  spec: {
    protocol: typeof FLOW_PROTOCOL_VERSION;
    configSchema: JsonSchema;
    resourceConfigSchema: JsonSchema;
    documentationUrl: string;
    oauth2?: OAuth2Spec;
    resourcePathPointers: string[];
  };
}

export interface DiscoveredBinding {
  recommendedName: string;
  resourceConfig: Record<string, unknown>;
  documentSchema: JsonSchema;
  key: string[];
  disable?: boolean;
  resourcePath?: string[];
}
export interface DiscoveredResponse {
  discovered: { bindings: DiscoveredBinding[] };
}
export interface ValidatedResponse {
  validated: { bindings: Array<{ resourcePath: string[] }> };
}
export interface AppliedResponse {
  applied: { actionDescription: string };
}
export interface OpenedResponse {
  opened: { explicitAcknowledgements: boolean };
}
export interface CapturedResponse {
  captured: { binding: number; doc: CapturedDocument };
}
/** The schema the source itself declares for a binding (see sourcedSchemaResponse). */
export interface SourcedSchemaResponse {
  sourcedSchema: { binding: number; schema_json: JsonSchema };
}
export interface CheckpointResponse {
  checkpoint: { state: { updated: unknown; mergePatch: true } };
}

export function specResponse(spec: Omit<SpecResponse['spec'], 'protocol'>): SpecResponse {
  return { spec: { protocol: FLOW_PROTOCOL_VERSION, ...spec } };
}
export function discoveredResponse(bindings: DiscoveredBinding[]): DiscoveredResponse {
  return { discovered: { bindings } };
}
export function validatedResponse(resourcePaths: string[][]): ValidatedResponse {
  return { validated: { bindings: resourcePaths.map((resourcePath) => ({ resourcePath })) } };
}
export function appliedResponse(actionDescription = ''): AppliedResponse {
  return { applied: { actionDescription } };
}
export function openedResponse(explicitAcknowledgements = false): OpenedResponse {
  return { opened: { explicitAcknowledgements } };
}
export function capturedResponse(binding: number, doc: CapturedDocument): CapturedResponse {
  return { captured: { binding, doc } };
}
/**
 * The schema the source declares for binding `binding`: the runtime unions it into the
 * collection's schema (it only widens). Send it before the first document of the new shape, then
 * a checkpoint; the schema must be closed (`additionalProperties: false`, `required` wherever
 * `properties` appear, the `_meta` fields declared).
 */
export function sourcedSchemaResponse(binding: number, schema: JsonSchema): SourcedSchemaResponse {
  return { sourcedSchema: { binding, schema_json: schema } };
}
/** A checkpoint whose state is a merge patch of the connector state (`{}` when nothing changed). */
export function checkpointResponse(patch: unknown): CheckpointResponse {
  return { checkpoint: { state: { updated: patch ?? {}, mergePatch: true } } };
}

/** Zod schema of a response line, for tests and the preview runner reading connector output. */
export const flowResponseSchema = z.union([
  z.looseObject({
    spec: z.looseObject({
      protocol: z.literal(FLOW_PROTOCOL_VERSION),
      configSchema: jsonObject,
      resourceConfigSchema: jsonObject,
    }),
  }),
  z.looseObject({
    discovered: z.looseObject({
      bindings: z.array(
        z.looseObject({
          recommendedName: z.string(),
          resourceConfig: jsonObject,
          documentSchema: jsonObject,
          key: z.array(z.string()),
        }),
      ),
    }),
  }),
  z.looseObject({
    validated: z.looseObject({ bindings: z.array(z.looseObject({ resourcePath: z.array(z.string()) })) }),
  }),
  z.looseObject({ applied: z.looseObject({ actionDescription: z.string().optional() }) }),
  z.looseObject({ opened: z.looseObject({ explicitAcknowledgements: z.boolean().optional() }) }),
  z.looseObject({ captured: z.looseObject({ binding: z.number().int().min(0), doc: jsonObject }) }),
  z.looseObject({
    sourcedSchema: z.looseObject({ binding: z.number().int().min(0), schema_json: jsonObject }),
  }),
  z.looseObject({
    checkpoint: z.looseObject({
      state: z.looseObject({ updated: z.unknown(), mergePatch: z.boolean().optional() }),
    }),
  }),
]);
