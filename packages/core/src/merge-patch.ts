/**
 * RFC 7396 JSON merge patch of a `T`: every object field optional, recursively; `null` deletes.
 * Arrays and scalars replace whole.
 */
export type MergePatch<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: MergePatch<T[K]> | null }
    : T;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies an RFC 7396 merge patch to `target` and returns the result; `target` is not modified.
 * A non-object patch replaces the target; a `null` member deletes; object members merge
 * recursively. Members whose value is `undefined` are ignored (they are absent in JSON).
 */
export function applyMergePatch<T = unknown>(target: unknown, patch: unknown): T {
  if (!isObject(patch)) return (patch === undefined ? target : patch) as T;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else if (value !== undefined) {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result as T;
}

/**
 * Applies an RFC 7396 merge patch to `target` in place when both are objects, and returns the
 * result (the same as `applyMergePatch`, which it falls back to otherwise). For a holder that
 * owns `target`, such as a connector state merged with thousands of checkpoints: the cost is the
 * patch's size, not the target's. Objects the patch adds are copied, so later patches never write
 * into an applied patch; arrays and scalars are taken as they are (they only ever replace whole).
 */
export function mergePatchInPlace<T = unknown>(target: unknown, patch: unknown): T {
  if (!isObject(patch)) return applyMergePatch<T>(target, patch);
  const into: JsonObject = isObject(target) ? target : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete into[key];
    else if (isObject(value)) into[key] = mergePatchInPlace(into[key], value);
    else if (value !== undefined) into[key] = value;
  }
  return into as T;
}

/**
 * A copy of `value` for mergePatchInPlace to write into: its objects and arrays are new, its
 * strings and other scalars shared. structuredClone would copy every string as well (the packed
 * block ids of a 400k-block state are 9 MB). Objects are copied as JSON objects (own enumerable
 * members), as the merge treats them.
 */
export function cloneObjects<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneObjects) as T;
  if (!isObject(value)) return value;
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) copy[key] = cloneObjects(value[key]);
  return copy as T;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const aKeys = Object.keys(a).filter((k) => a[k] !== undefined);
    const bKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    return aKeys.length === bKeys.length && aKeys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The merge patch that turns `from` into `to` (`applyMergePatch(from, createMergePatch(from, to))`
 * deep-equals `to`), or `undefined` when they are already equal. `to` must not contain `null`
 * inside objects: RFC 7396 cannot express setting a member to null.
 */
export function createMergePatch(from: unknown, to: unknown): unknown {
  if (jsonEqual(from, to)) return undefined;
  if (!isObject(to)) return to === undefined ? null : to;
  if (!isObject(from)) return stripUndefined(to);
  const patch: JsonObject = {};
  for (const key of Object.keys(from)) {
    if (from[key] !== undefined && (!Object.hasOwn(to, key) || to[key] === undefined)) patch[key] = null;
  }
  for (const [key, value] of Object.entries(to)) {
    if (value === undefined) continue;
    const member = createMergePatch(from[key], value);
    if (member !== undefined) patch[key] = member;
  }
  return patch;
}

function stripUndefined(value: JsonObject): JsonObject {
  // A whole new object: its own nested objects merge into nothing, so they can go as they are,
  // but a patch cannot carry `undefined` members through JSON; drop them.
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}
