import { z } from 'zod';
import type { EndpointConfig } from './config.js';
import type { Logger } from './logger.js';
import { createMergePatch } from './merge-patch.js';

/** What parseStreamState needs of a stream (a `Stream<S>` fits). */
export interface StatefulStream<S> {
  readonly name: string;
  readonly stateSchema: z.ZodType<S>;
  initialState(config: EndpointConfig): S;
}

export interface LoadedStreamState<S> {
  state: S;
  /**
   * Set when persisted state was discarded: the merge patch (of the binding's state) that turns the
   * discarded state into `state`. Write it as a checkpoint before the sweep's own checkpoints, so
   * that fields of the old state do not survive under the stream's later partial patches.
   */
  resetPatch?: unknown;
}

/**
 * Like `parseStreamState`, but also returns the patch that replaces discarded state (see
 * `LoadedStreamState.resetPatch`). The connector uses this one.
 */
export function loadStreamState<S>(
  stream: StatefulStream<S>,
  raw: unknown,
  config: EndpointConfig,
  logger: Logger,
): LoadedStreamState<S> {
  if (raw === undefined || raw === null) return { state: stream.initialState(config) };
  const result = stream.stateSchema.safeParse(raw);
  if (result.success) return { state: result.data };
  const problem = z.prettifyError(result.error).replace(/\s*\n\s*/g, '; ');
  logger.warn(`state of ${stream.name} does not parse (${problem}); starting a fresh backfill`, {
    stream: stream.name,
  });
  const state = stream.initialState(config);
  return { state, resetPatch: createMergePatch(raw, state) ?? {} };
}

/**
 * Parses a binding's persisted state with the stream's schema.
 *
 * Recovery: no state (`undefined`/`null`) means a first capture: the stream's initial state.
 * State that does not parse (an older, incompatible version, or corruption) is not fatal: a
 * warning "state of <name> does not parse (<problem>); starting a fresh backfill" is logged and
 * the stream starts over from its initial state. Documents are keyed, so a re-backfill is
 * idempotent downstream. Callers that write checkpoints should use `loadStreamState` and write its
 * `resetPatch` first, so that leftovers of the old state are deleted.
 */
export function parseStreamState<S>(
  stream: StatefulStream<S>,
  raw: unknown,
  config: EndpointConfig,
  logger: Logger,
): S {
  return loadStreamState(stream, raw, config, logger).state;
}

/**
 * True when `value` is plain JSON data, so that `JSON.parse(JSON.stringify(value))` deep-equals
 * it: null, booleans, strings, finite numbers, arrays without holes, and plain objects of those
 * (no `undefined`, no class instances, no `toJSON`).
 */
export function isPlainJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainJson(value[i])) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if ((proto !== Object.prototype && proto !== null) || Object.hasOwn(value, 'toJSON')) return false;
      for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false;
  }
}

/**
 * The state a stream resumes from after Flow has stored `state` (the stream's state as its
 * checkpoints patched it): JSON, parsed by the stream's schema, exactly as a new session would
 * load it. When `state` is plain JSON data already (see isPlainJson) the JSON round trip is
 * skipped: it would copy every string of the state (the packed block ids of 400k blocks are 9 MB)
 * to produce an equal value.
 */
export function reloadStreamState<S>(
  stream: StatefulStream<S>,
  state: unknown,
  config: EndpointConfig,
  logger: Logger,
): S {
  const stored = state === undefined || isPlainJson(state) ? state : JSON.parse(JSON.stringify(state));
  return parseStreamState(stream, stored, config, logger);
}
