import type { JsonSchema, Logger, NotionCapability, SyncMode } from '@source-notion/core';
import type { DiscoveredBinding, DiscoveredResponse } from '@source-notion/flow-capture';
import { discoveredResponse } from '@source-notion/flow-capture';
import type { Capabilities } from './capabilities.js';
import type { AnyStream } from './streams.js';
import type { TypedBinding } from './typed-discovery.js';

/** Matches a deletion document: `_meta.op` is "d". */
const DELETION = { properties: { _meta: { properties: { op: { const: 'd' } } } } } as const;

/**
 * The stream's document schema with Flow's reduction annotations: an ordinary document replaces
 * the previous one with the same key (last write wins), and a document whose `_meta.op` is "d"
 * deletes it (`reduce: {strategy: merge, delete: true}` under an `if` on `_meta.op`).
 */
export function collectionSchema(stream: AnyStream): JsonSchema {
  const schema: JsonSchema = { ...stream.documentSchema };
  delete schema.$schema;
  // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword (a plain object, never awaited)
  const annotation = { if: DELETION, then: { reduce: { strategy: 'merge', delete: true } } };
  if ('if' in schema || 'then' in schema || 'else' in schema) {
    // Keep the stream's own conditional intact; add ours beside it.
    const allOf = Array.isArray(schema.allOf) ? [...schema.allOf] : [];
    return { ...schema, allOf: [...allOf, annotation] };
  }
  return { ...schema, ...annotation };
}

export function preferredSyncMode(stream: AnyStream): SyncMode {
  return stream.syncModes.includes('incremental') ? 'incremental' : (stream.syncModes[0] ?? 'full_refresh');
}

/**
 * What the probe says of a capability, binding by binding: false when the token lacks it,
 * undefined when it could not tell. "Read content" is not judged binding by binding: a token
 * without it fails validate as a whole (validateBindings).
 */
function probed(capability: NotionCapability, capabilities: Capabilities): boolean | undefined {
  switch (capability) {
    case 'Read user information':
      return capabilities.readUsers;
    case 'Read comments':
      return capabilities.readComments;
    case 'Read content':
      return undefined;
  }
}

/** Why the token cannot read a stream, or undefined when it can (or the probe could not tell). */
export function unreadableReason(stream: AnyStream, capabilities: Capabilities): string | undefined {
  if (probed(stream.capability, capabilities) !== false) return undefined;
  return `the integration lacks the "${stream.capability}" capability`;
}

/**
 * One binding per stream, then one per data source (`typed`: its rows as typed columns); bindings
 * the token cannot read are proposed disabled, with a log saying why.
 */
export function discoveredBindings(
  streams: readonly AnyStream[],
  capabilities: Capabilities,
  logger: Logger,
  typed: readonly TypedBinding[] = [],
): DiscoveredResponse {
  const named = [...streams.map((stream) => ({ stream, recommendedName: stream.name })), ...typed];
  const bindings = named.map(({ stream, recommendedName }): DiscoveredBinding => {
    const binding: DiscoveredBinding = {
      recommendedName,
      resourceConfig: { stream: stream.name, syncMode: preferredSyncMode(stream) },
      documentSchema: collectionSchema(stream),
      key: [...stream.key],
    };
    const reason = unreadableReason(stream, capabilities);
    if (reason !== undefined) {
      binding.disable = true;
      logger.warn(
        `proposing the ${stream.name} binding disabled: ${reason}; enable it at https://www.notion.so/profile/integrations to capture ${stream.name}`,
        { stream: stream.name },
      );
    }
    return binding;
  });
  for (const stream of streams) {
    if (stream.capability === 'Read comments' && capabilities.readComments === undefined) {
      logger.info(
        `could not probe the "Read comments" capability (no page is shared yet); the ${stream.name} binding stays enabled`,
      );
    }
  }
  return discoveredResponse(bindings);
}
