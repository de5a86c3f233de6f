import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkpointResponse, flowResponseSchema } from './protocol.js';
import { createTransactionWriter } from './transaction-writer.js';

// The transaction writer's framing under random concurrent commits. Seeded, so a failure reproduces.
const SEED = 7_0003;

/** JSON without nulls inside objects (RFC 7396 cannot set a member to null; stream state keeps them out). */
const stateValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;
const stateObject = fc.dictionary(fc.string({ maxLength: 6 }), stateValue, { maxKeys: 5 });

describe('transaction framing', () => {
  it('concurrent commits come out as whole transactions: captured lines, then their checkpoint', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            binding: fc.nat({ max: 5 }),
            docs: fc.array(
              fc.record({ id: fc.uuid(), n: fc.integer(), text: fc.string({ maxLength: 30 }) }),
              { maxLength: 5 },
            ),
            patch: stateObject,
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (transactions) => {
          let out = '';
          // A slow output with a tiny buffer, so backpressure is exercised.
          const output = new Writable({
            highWaterMark: 64,
            decodeStrings: false,
            write(chunk: string | Buffer, _encoding, callback) {
              out += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
              setImmediate(callback);
            },
          });
          const writer = createTransactionWriter(output);
          await Promise.all(transactions.map((tx) => writer.commit(tx)));
          await writer.flush();
          const lines = out.split('\n');
          expect(lines.pop()).toBe('');
          const seen: typeof transactions = [];
          let docs: unknown[] = [];
          let binding: number | undefined;
          for (const line of lines) {
            const message = JSON.parse(line) as Record<string, unknown>;
            expect(flowResponseSchema.safeParse(message).success).toBe(true);
            if ('captured' in message) {
              const captured = message.captured as { binding: number; doc: unknown };
              if (binding !== undefined) expect(captured.binding).toBe(binding);
              binding = captured.binding;
              docs.push(captured.doc);
            } else {
              expect(message).toEqual(
                JSON.parse(
                  JSON.stringify(
                    checkpointResponse((message.checkpoint as { state: { updated: unknown } }).state.updated),
                  ),
                ),
              );
              seen.push({
                binding: binding ?? -1,
                docs: docs as never,
                patch: (message.checkpoint as { state: { updated: never } }).state.updated,
              });
              docs = [];
              binding = undefined;
            }
          }
          expect(docs).toHaveLength(0);
          expect(seen).toHaveLength(transactions.length);
          // Same transactions, in commit order, each whole.
          seen.forEach((tx, i) => {
            const sent = transactions[i]!;
            expect(tx.docs).toEqual(JSON.parse(JSON.stringify(sent.docs)));
            if (sent.docs.length > 0) expect(tx.binding).toBe(sent.binding);
            expect(tx.patch).toEqual(JSON.parse(JSON.stringify(sent.patch)));
          });
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });
});
