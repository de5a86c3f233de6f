import { isDeletionDocument, mergePatchInPlace } from '@source-notion/core';

type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a capture session produced, as the Flow runtime would hold it after committing. */
export interface CaptureReducer {
  /** Feeds one parsed stdout message. Throws on anything that is not a capture response. */
  apply(message: unknown): void;
  /** Committed documents per collection: key → present (deletions applied). */
  readonly collections: Readonly<Record<string, ReadonlySet<string>>>;
  /** The connector state after every committed checkpoint. */
  readonly state: unknown;
  /** `captured` lines received (documents and deletions). */
  readonly documents: number;
  readonly deletions: number;
  readonly checkpoints: number;
  /** Documents received after the last checkpoint (the runtime would fail a session ending here). */
  readonly pending: number;
  readonly opened: boolean;
}

/**
 * Reduces a capture's stdout the way the runtime commits it: documents stay pending until a
 * checkpoint, then apply by key (`/id`), a document with `_meta.op: "d"` deleting its key;
 * checkpoints merge into the state (RFC 7396 when `mergePatch`, else replace). Only ids are kept,
 * so a capture of hundreds of thousands of documents fits comfortably.
 */
export function createCaptureReducer(
  bindingCollections: readonly string[],
  start: { state?: unknown; collections?: Readonly<Record<string, ReadonlySet<string>>> } = {},
): CaptureReducer {
  const collections: Record<string, Set<string>> = {};
  for (const [name, ids] of Object.entries(start.collections ?? {})) collections[name] = new Set(ids);
  for (const name of bindingCollections) collections[name] ??= new Set();
  let state = structuredClone(start.state ?? {});
  let documents = 0;
  let deletions = 0;
  let checkpoints = 0;
  let opened = false;
  let pending: Array<{ collection: Set<string>; id: string; deleted: boolean }> = [];

  const apply = (message: unknown): void => {
    if (!isRecord(message)) throw new TypeError(`not a protocol message: ${JSON.stringify(message)}`);
    if (isRecord(message.captured)) {
      const { binding, doc } = message.captured;
      const collectionName = typeof binding === 'number' ? bindingCollections[binding] : undefined;
      if (collectionName === undefined)
        throw new RangeError(`captured for unknown binding ${String(binding)}`);
      if (!isRecord(doc) || typeof doc.id !== 'string') {
        throw new TypeError(`captured document without a string /id in ${collectionName}`);
      }
      const deleted = isDeletionDocument(doc);
      documents += 1;
      if (deleted) deletions += 1;
      pending.push({ collection: collections[collectionName]!, id: doc.id, deleted });
      return;
    }
    if (isRecord(message.checkpoint)) {
      const checkpointState = message.checkpoint.state;
      if (!isRecord(checkpointState)) throw new TypeError('checkpoint without a state');
      state =
        checkpointState.mergePatch === true
          ? mergePatchInPlace(state, checkpointState.updated)
          : (checkpointState.updated ?? {});
      for (const entry of pending) {
        if (entry.deleted) entry.collection.delete(entry.id);
        else entry.collection.add(entry.id);
      }
      pending = [];
      checkpoints += 1;
      return;
    }
    if (isRecord(message.opened)) {
      opened = true;
      return;
    }
    if (isRecord(message.sourcedSchema)) {
      // A binding's widened schema (a data source's typed rows): the runtime's business, not a document.
      const { binding } = message.sourcedSchema;
      if (typeof binding !== 'number' || bindingCollections[binding] === undefined)
        throw new RangeError(`sourcedSchema for unknown binding ${String(binding)}`);
      return;
    }
    throw new TypeError(`unexpected message on a capture's stdout: ${JSON.stringify(message).slice(0, 200)}`);
  };

  return {
    apply,
    collections,
    get state() {
      return state;
    },
    get documents() {
      return documents;
    },
    get deletions() {
      return deletions;
    },
    get checkpoints() {
      return checkpoints;
    },
    get pending() {
      return pending.length;
    },
    get opened() {
      return opened;
    },
  };
}
