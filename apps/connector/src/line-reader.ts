import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface LineReader {
  /** The next line without its newline, or undefined at end of input. */
  next(): Promise<string | undefined>;
  close(): void;
}

/** Reads `input` line by line (the Flow runtime writes one JSON request per line). */
export function createLineReader(input: Readable): LineReader {
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  const iterator = rl[Symbol.asyncIterator]();
  let done = false;
  return {
    async next() {
      if (done) return undefined;
      const result = await iterator.next();
      if (result.done) {
        done = true;
        return undefined;
      }
      return result.value;
    },
    close() {
      done = true;
      rl.close();
    },
  };
}
