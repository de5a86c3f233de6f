import { ConfigError } from '@source-notion/core';
import type { ValidatedResponse, ValidateRequest } from '@source-notion/flow-capture';
import { validatedResponse } from '@source-notion/flow-capture';
import type { Capabilities } from './capabilities.js';
import { missingCapabilityMessage, NOTHING_SHARED_MESSAGE } from './describe-error.js';
import { unreadableReason } from './discover.js';
import type { ResourceConfig } from './resource-config.js';
import { parseResourceConfig } from './resource-config.js';
import type { AnyStream } from './streams.js';
import { ALL_STREAMS, streamFor } from './streams.js';

/** A binding's resource config, resolved to its stream. */
export interface ResolvedBinding {
  resource: ResourceConfig;
  stream: AnyStream;
}

function bindingLabel(index: number, collection: unknown): string {
  const name =
    typeof collection === 'object' && collection !== null
      ? (collection as Record<string, unknown>).name
      : undefined;
  return typeof name === 'string' ? `binding ${index} (${name})` : `binding ${index}`;
}

/** Parses one binding's resource config; errors name the binding and what to fix. */
export function resolveBinding(
  raw: unknown,
  index: number,
  collection?: unknown,
  streams: readonly AnyStream[] = ALL_STREAMS,
): ResolvedBinding {
  const label = bindingLabel(index, collection);
  let resource: ResourceConfig;
  try {
    resource = parseResourceConfig(raw, 'resourceConfig');
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ConfigError(`${label}: ${error.message}`, { field: error.field, cause: error });
    }
    throw error;
  }
  const stream = streamFor(resource.stream, streams);
  if (stream === undefined) {
    throw new ConfigError(
      `${label}: resourceConfig.stream "${resource.stream}" has no stream in this connector`,
      {
        field: 'resourceConfig.stream',
      },
    );
  }
  return { resource, stream };
}

/**
 * Checks every binding against the token's capabilities. All problems are reported together in
 * one message, each saying what to fix.
 */
export function validateBindings(request: ValidateRequest, capabilities: Capabilities): ValidatedResponse {
  if (!capabilities.readContent) {
    throw new ConfigError(missingCapabilityMessage('pages'), { field: 'credentials' });
  }
  if (!capabilities.sharedSomething) {
    throw new ConfigError(NOTHING_SHARED_MESSAGE, { field: 'credentials' });
  }
  const problems: string[] = [];
  const paths: string[][] = [];
  const seen = new Map<string, number>();
  request.bindings.forEach((binding, index) => {
    let resolved: ResolvedBinding;
    try {
      resolved = resolveBinding(binding.resourceConfig, index, binding.collection);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      return;
    }
    const name = resolved.stream.name;
    const previous = seen.get(name);
    if (previous !== undefined) {
      problems.push(
        `${bindingLabel(index, binding.collection)}: the ${name} stream is already captured by binding ${previous}; remove one of them`,
      );
    }
    seen.set(name, index);
    if (unreadableReason(resolved.stream, capabilities) !== undefined) {
      problems.push(`${bindingLabel(index, binding.collection)}: ${missingCapabilityMessage(name)}`);
    }
    paths.push([name]);
  });
  if (problems.length > 0) {
    throw new ConfigError(problems.join('; '), { field: 'bindings' });
  }
  return validatedResponse(paths);
}
