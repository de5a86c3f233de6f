// Test support (used by this package's tests only): runs one sweep of a stream the way the
// connector does, committing documents only with the checkpoint that follows them.
// A generic version of this belongs in @source-notion/core/testing.
import { applyMergePatch, type Stream, type StreamContext, type StreamDocument } from '@source-notion/core';

export interface SweepOutcome<S> {
  /** Documents committed by a checkpoint, in order. */
  committed: StreamDocument[];
  /** Documents yielded after the last checkpoint (lost when the sweep stops there). */
  uncommitted: StreamDocument[];
  /** The merge patches, in order. */
  checkpoints: unknown[];
  /** `state` with every checkpoint reached applied. */
  state: S;
  /** False when the sweep was stopped early. */
  completed: boolean;
}

/**
 * Runs `stream.read(ctx, state)`; with `stopAfterEvents`, stops the iterator after that many
 * events (a crash: the documents after the last checkpoint are dropped).
 */
export async function runSweep<S>(
  stream: Stream<S>,
  ctx: StreamContext,
  state: S,
  options: { stopAfterEvents?: number } = {},
): Promise<SweepOutcome<S>> {
  const committed: StreamDocument[] = [];
  let uncommitted: StreamDocument[] = [];
  const checkpoints: unknown[] = [];
  let current = state;
  let events = 0;
  for await (const event of stream.read(ctx, structuredClone(state))) {
    if ('doc' in event) {
      uncommitted.push(structuredClone(event.doc));
    } else {
      checkpoints.push(structuredClone(event.checkpoint));
      current = stream.stateSchema.parse(applyMergePatch(current, event.checkpoint));
      committed.push(...uncommitted);
      uncommitted = [];
    }
    events += 1;
    if (options.stopAfterEvents !== undefined && events >= options.stopAfterEvents) {
      return { committed, uncommitted, checkpoints, state: current, completed: false };
    }
  }
  return { committed, uncommitted, checkpoints, state: current, completed: true };
}

/** A collection keyed by `/id`: documents reduce by last write, deletions remove. */
export function reduceCollection(
  collection: Map<string, StreamDocument>,
  docs: readonly StreamDocument[],
): Map<string, StreamDocument> {
  for (const doc of docs) {
    const id = doc.id;
    if (typeof id !== 'string') throw new Error(`document without a string id: ${JSON.stringify(doc)}`);
    const meta = doc._meta as { op?: unknown } | undefined;
    if (meta?.op === 'd') collection.delete(id);
    else collection.set(id, doc);
  }
  return collection;
}
