import { ProtocolError } from './errors.js';
import type { CapturedDocument, JsonSchema } from './protocol.js';
import { capturedResponse, checkpointResponse, sourcedSchemaResponse } from './protocol.js';

/** One binding's documents and the checkpoint that commits them. */
export interface Transaction {
  /** Index into `open.capture.bindings`. */
  binding: number;
  docs: readonly CapturedDocument[];
  /** Merge patch of the whole connector state, e.g. `bindingStatePatch(stateKey, patch)`. */
  patch: unknown;
  /**
   * The binding's widened schema, written as a `sourcedSchema` line before the documents: what
   * the source declares now (the runtime unions it into the collection's schema).
   */
  schema?: JsonSchema | undefined;
}

export interface TransactionWriter {
  /**
   * Writes every document of `tx` as a `captured` line, then its `checkpoint` line, as ONE write
   * to the output, so nothing can come between them. Commits from concurrent callers are queued
   * and written one after another in call order. Resolves once the output has taken the data
   * (its write callback ran and, when it was full, it drained).
   */
  commit(tx: Transaction): Promise<void>;
  /** Writes one response line (spec, discovered, validated, applied, opened), queued like commits. */
  respond(message: object): Promise<void>;
  /** Resolves when everything queued so far is written; rejects if a write failed. */
  flush(): Promise<void>;
}

type Output = NodeJS.WritableStream;

function writeChunk(output: Output, chunk: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let written = false;
    let draining = false;
    const cleanup = (): void => {
      output.removeListener('error', onError);
      output.removeListener('close', onClose);
      output.removeListener('drain', onDrain);
    };
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      if (error === undefined) resolve();
      else reject(new ProtocolError('writing to the Flow runtime (stdout) failed', { cause: error }));
    };
    function onError(error: unknown): void {
      settle(error ?? new Error('output stream error'));
    }
    function onClose(): void {
      if (!written || draining) settle(new Error('output stream closed'));
    }
    function onDrain(): void {
      draining = false;
      if (written) settle();
    }
    output.on('error', onError);
    output.once('close', onClose);
    let ok: boolean;
    try {
      ok = output.write(chunk, (error?: Error | null) => {
        if (error) return settle(error);
        written = true;
        if (!draining) settle();
      });
    } catch (error) {
      settle(error);
      return;
    }
    if (!ok && !settled) {
      draining = true;
      output.once('drain', onDrain);
    }
  });
}

/** Serializes `message` as one protocol line; rejects (writing nothing) if it cannot be. */
function line(message: unknown): string {
  const text = JSON.stringify(message);
  if (text === undefined)
    throw new ProtocolError('cannot serialize a protocol message: it is not a JSON value');
  return `${text}\n`;
}

/**
 * Creates the writer that owns `output` (the connector's stdout). Nothing else may write to it.
 * A failed write poisons the writer: every later call rejects with the same error, because the
 * runtime's view of the transaction stream is unknown from then on.
 */
export function createTransactionWriter(output: Output): TransactionWriter {
  let tail: Promise<void> = Promise.resolve();
  let failure: unknown;

  const enqueue = (build: () => string): Promise<void> => {
    const run = async (): Promise<void> => {
      if (failure !== undefined) throw failure;
      let chunk: string;
      try {
        chunk = build();
      } catch (error) {
        // Nothing was written: the stream stays consistent, only this call fails.
        throw error instanceof ProtocolError
          ? error
          : new ProtocolError('cannot serialize a protocol message', { cause: error });
      }
      try {
        await writeChunk(output, chunk);
      } catch (error) {
        failure = error;
        throw error;
      }
    };
    const result = tail.then(run, run);
    tail = result.catch(() => undefined);
    return result;
  };

  return {
    commit(tx) {
      if (!Number.isInteger(tx.binding) || tx.binding < 0) {
        return Promise.reject(
          new ProtocolError(`transaction binding must be a non-negative integer, got ${String(tx.binding)}`),
        );
      }
      return enqueue(() => {
        // Joined, not concatenated: one flat string, which the output encodes at a fraction of
        // the cost of a rope of thousands of pieces.
        const lines: string[] = [];
        if (tx.schema !== undefined) lines.push(line(sourcedSchemaResponse(tx.binding, tx.schema)));
        for (const doc of tx.docs) lines.push(line(capturedResponse(tx.binding, doc)));
        lines.push(line(checkpointResponse(tx.patch)));
        return lines.join('');
      });
    },
    respond(message) {
      return enqueue(() => line(message));
    },
    async flush() {
      await tail;
      if (failure !== undefined) throw failure;
    },
  };
}
