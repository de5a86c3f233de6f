import { PassThrough } from 'node:stream';
import { createTransactionWriter } from '@source-notion/flow-capture';
import { describe, expect, it } from 'vitest';
import { CheckpointAcks, countCheckpoints } from './checkpoint-acks.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('countCheckpoints', () => {
  it('numbers the checkpoints written, in order, skipping a commit that wrote nothing', async () => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    const writer = countCheckpoints(createTransactionWriter(output), new CheckpointAcks());
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const numbers = await Promise.all([
      writer.commit({ binding: 0, docs: [{ id: 'a' }], patch: { a: 1 } }),
      writer.commit({ binding: 1, docs: [], patch: { b: 1 } }),
    ]);
    // Not serializable: nothing written, so not counted.
    await expect(writer.commit({ binding: 0, docs: [], patch: cyclic })).rejects.toThrow();
    numbers.push(await writer.commit({ binding: 0, docs: [], patch: { c: 1 } }));
    expect(numbers).toEqual([1, 2, 3]);
    expect(text.split('\n').filter((line) => line.includes('"checkpoint"'))).toHaveLength(3);
  });

  it('says a checkpoint is committed once acknowledged, or at once without acknowledgements', async () => {
    const acks = new CheckpointAcks();
    const writer = countCheckpoints(createTransactionWriter(new PassThrough()), acks);
    expect(writer.explicit).toBe(true);
    const committed: number[] = [];
    for (const n of [3, 1, 2]) void writer.committed(n).then(() => committed.push(n));
    await tick();
    expect(committed).toEqual([]);
    acks.acknowledge(2);
    await tick();
    expect(committed.sort()).toEqual([1, 2]);
    acks.acknowledge(0); // not a valid acknowledge: ignored
    await tick();
    expect(committed).toHaveLength(2);
    acks.acknowledge(1);
    await tick();
    expect(committed.sort()).toEqual([1, 2, 3]);
    await writer.committed(3);

    const implicit = countCheckpoints(createTransactionWriter(new PassThrough()));
    expect(implicit.explicit).toBe(false);
    await implicit.committed(100);
  });
});
