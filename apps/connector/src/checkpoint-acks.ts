import type { Transaction, TransactionWriter } from '@source-notion/flow-capture';

/**
 * The `acknowledge` requests the runtime sends during `open` when the connector answered `opened`
 * with `explicitAcknowledgements: true`: each says that the next N checkpoints the connector wrote
 * (in the order written, counted from the session's first) have committed to Flow's recovery log.
 * The protocol loop feeds them in; a writer counted against them (`countCheckpoints`) tells when a
 * given checkpoint is durable.
 */
export class CheckpointAcks {
  #acknowledged = 0;
  #waiters: Array<{ checkpoint: number; resolve: () => void }> = [];

  /** Checkpoints of this session acknowledged so far. */
  get acknowledged(): number {
    return this.#acknowledged;
  }

  /** The runtime committed `checkpoints` more of the checkpoints written (`{"acknowledge":{…}}`). */
  acknowledge(checkpoints: number): void {
    if (!Number.isInteger(checkpoints) || checkpoints <= 0) return;
    this.#acknowledged += checkpoints;
    const due = this.#waiters.filter((waiter) => waiter.checkpoint <= this.#acknowledged);
    if (due.length === 0) return;
    this.#waiters = this.#waiters.filter((waiter) => waiter.checkpoint > this.#acknowledged);
    for (const waiter of due) waiter.resolve();
  }

  /** Resolves once checkpoint number `checkpoint` (1 is the session's first) is acknowledged. */
  committed(checkpoint: number): Promise<void> {
    if (checkpoint <= this.#acknowledged) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ checkpoint, resolve }));
  }
}

/**
 * A transaction writer that numbers its checkpoints: `commit` resolves with the number of the
 * checkpoint it wrote (1 for the session's first), and `committed(n)` resolves once the runtime
 * holds checkpoint `n` durably.
 */
export interface CountingWriter extends Omit<TransactionWriter, 'commit'> {
  /** TransactionWriter.commit, resolving with the number of the checkpoint written. */
  commit(tx: Transaction): Promise<number>;
  /** Whether the runtime acknowledges commits (`opened.explicitAcknowledgements`). */
  readonly explicit: boolean;
  /**
   * Resolves once checkpoint `checkpoint` is committed: with `acks`, once acknowledged; without,
   * at once (the runtime does not say when it commits, so written is all the connector can know).
   */
  committed(checkpoint: number): Promise<void>;
}

/**
 * Counts the checkpoints written through `writer` (every commit writes exactly one, written in
 * call order; one that fails writes none, or poisons the writer). Every checkpoint of the session
 * must go through the returned writer, or the numbers no longer match the runtime's count.
 */
export function countCheckpoints(writer: TransactionWriter, acks?: CheckpointAcks): CountingWriter {
  let written = 0;
  return {
    explicit: acks !== undefined,
    async commit(tx) {
      await writer.commit(tx);
      // Commits settle in the order they are written, so this continuation runs in that order too.
      written += 1;
      return written;
    },
    respond: (message) => writer.respond(message),
    flush: () => writer.flush(),
    committed: (checkpoint) => acks?.committed(checkpoint) ?? Promise.resolve(),
  };
}
