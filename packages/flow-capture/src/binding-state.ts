// Flow's connector state holds one entry per binding under `bindingStateV1`, keyed by the
// `stateKey` the runtime sends with each binding (never by name or index: a bumped backfill
// counter gives the binding a new key, and so a fresh backfill).

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The state of one binding (`state.bindingStateV1[stateKey]`), or undefined when there is none. */
export function bindingState(state: unknown, stateKey: string): unknown {
  if (!isObject(state)) return undefined;
  const bindings = state.bindingStateV1;
  if (!isObject(bindings) || !Object.hasOwn(bindings, stateKey)) return undefined;
  return bindings[stateKey] ?? undefined;
}

/** Wraps one binding's state merge patch into a connector-state merge patch. */
export function bindingStatePatch(
  stateKey: string,
  patch: unknown,
): { bindingStateV1: Record<string, unknown> } {
  return { bindingStateV1: { [stateKey]: patch } };
}
