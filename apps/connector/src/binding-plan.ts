import type { EndpointConfig } from '@source-notion/core';
import { loadStreamState } from '@source-notion/core';
import type { OpenRequest } from '@source-notion/flow-capture';
import { bindingState, parseInterval } from '@source-notion/flow-capture';
import type { Runtime } from './notion-session.js';
import type { AnyStream } from './streams.js';
import { resolveBinding } from './validate.js';

/** Between two sweeps of a binding when neither its resource config nor the capture says. */
export const DEFAULT_INTERVAL_MS = 5 * 60_000;

/** One binding of an `open` request, resolved: its stream, interval and the state it resumes from. */
export interface BindingPlan {
  index: number;
  stream: AnyStream;
  stateKey: string;
  intervalMs: number;
  /** full_refresh on a stream that could go incremental: every new sweep starts from scratch. */
  restartEachSweep: boolean;
  state: unknown;
  /**
   * What Flow holds for this binding: 'valid' (the state the stream resumes from), 'absent' or
   * 'invalid' (the stream starts from its initial state, which Flow has never seen).
   */
  persisted: 'valid' | 'absent' | 'invalid';
  logger: Runtime['logger'];
}

/** The bindings of an `open` request: each one's stream, interval and state (parsed once). */
export function planBindings(
  request: OpenRequest,
  config: EndpointConfig,
  runtime: Runtime,
  streams: readonly AnyStream[] | undefined,
): BindingPlan[] {
  const captureInterval =
    request.capture.intervalSeconds !== undefined && request.capture.intervalSeconds > 0
      ? request.capture.intervalSeconds * 1000
      : undefined;
  return request.capture.bindings.map((binding, index) => {
    const { resource, stream } = resolveBinding(binding.resourceConfig, index, binding.collection, streams);
    const logger = runtime.logger.child({ stream: stream.name, binding: index });
    const intervalMs =
      resource.interval === undefined
        ? (captureInterval ?? DEFAULT_INTERVAL_MS)
        : parseInterval(resource.interval);
    if (!stream.syncModes.includes(resource.syncMode)) {
      logger.warn(
        `the ${stream.name} stream has no ${resource.syncMode} mode; capturing it ${stream.syncModes.join(' or ')}`,
      );
    }
    const raw = bindingState(request.state, binding.stateKey);
    // Parsed once: a page stream's state holds an entry per page (10,000 entries cost ~35 MB of
    // short-lived allocations to parse).
    const { state, resetPatch } = loadStreamState(stream, raw, config, logger);
    const persisted =
      raw === undefined || raw === null ? 'absent' : resetPatch === undefined ? 'valid' : 'invalid';
    return {
      index,
      stream,
      stateKey: binding.stateKey,
      intervalMs,
      restartEachSweep: resource.syncMode === 'full_refresh' && stream.syncModes.includes('incremental'),
      state,
      persisted,
      logger,
    };
  });
}
