import { describe, expect, it } from 'vitest';
import { bindingState, bindingStatePatch } from './binding-state.js';

/** RFC 7396 merge, what the Flow runtime does with a checkpoint's `mergePatch: true` state. */
function applyLikeFlow(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyLikeFlow(out[key], value);
  }
  return out;
}

describe('bindingState / bindingStatePatch', () => {
  it('reads state by stateKey and nothing else', () => {
    const state = { bindingStateV1: { pages: { cursor: 'a' }, 'pages.v2': { cursor: 'b' } } };
    expect(bindingState(state, 'pages')).toEqual({ cursor: 'a' });
    expect(bindingState(state, 'pages.v2')).toEqual({ cursor: 'b' });
    expect(bindingState(state, 'blocks')).toBeUndefined();
    expect(bindingState(state, 'toString')).toBeUndefined();
    expect(bindingState({}, 'pages')).toBeUndefined();
    expect(bindingState(undefined, 'pages')).toBeUndefined();
    expect(bindingState({ bindingStateV1: [] }, 'pages')).toBeUndefined();
  });

  it('wraps a binding patch so that it merges only into that binding', () => {
    const state = { bindingStateV1: { pages: { cursor: 'a', backfill: { next: 'x' } }, users: { n: 1 } } };
    const patch = bindingStatePatch('pages', { cursor: 'b', backfill: null });
    expect(patch).toEqual({ bindingStateV1: { pages: { cursor: 'b', backfill: null } } });
    expect(applyLikeFlow(state, patch)).toEqual({
      bindingStateV1: { pages: { cursor: 'b' }, users: { n: 1 } },
    });
  });
});
