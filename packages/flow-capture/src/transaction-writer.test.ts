import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bindingStatePatch } from './binding-state.js';
import { ProtocolError } from './errors.js';
import { flowResponseSchema } from './protocol.js';
import { createTransactionWriter } from './transaction-writer.js';

/** A slow sink with a tiny buffer: every write is async and most writes hit backpressure. */
function slowSink(options: { highWaterMark?: number; failAfter?: number } = {}) {
  const chunks: string[] = [];
  let writeCalls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let writesWhileFull = 0;
  let full = false;
  const sink = new Writable({
    highWaterMark: options.highWaterMark ?? 64,
    write(chunk: Buffer, _encoding, callback) {
      setImmediate(() => {
        if (options.failAfter !== undefined && chunks.length >= options.failAfter) {
          callback(Object.assign(new Error('EPIPE: broken pipe'), { code: 'EPIPE' }));
          return;
        }
        chunks.push(chunk.toString('utf8'));
        callback();
      });
    },
  });
  const originalWrite = sink.write.bind(sink) as (
    chunk: string,
    cb?: (error?: Error | null) => void,
  ) => boolean;
  sink.write = ((chunk: string, cb?: (error?: Error | null) => void) => {
    writeCalls++;
    if (full) writesWhileFull++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const ok = originalWrite(chunk, (error) => {
      inFlight--;
      cb?.(error);
    });
    if (!ok) full = true;
    return ok;
  }) as typeof sink.write;
  sink.on('drain', () => {
    full = false;
  });
  sink.on('error', () => undefined);
  return {
    sink,
    chunks,
    text: () => chunks.join(''),
    stats: () => ({ writeCalls, maxInFlight, writesWhileFull }),
  };
}

function docs(binding: number, count: number, tx: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `b${binding}-t${tx}-d${i}`,
    body: 'x'.repeat(50 + i),
  }));
}

interface OutputLine {
  captured?: { binding: number; doc: { id: string } };
  checkpoint?: { state: { updated: { bindingStateV1: Record<string, { tx: number }> } } };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createTransactionWriter', () => {
  it('writes docs then their checkpoint as one write, every line a protocol response', async () => {
    const out = slowSink();
    const writer = createTransactionWriter(out.sink);
    await writer.commit({
      binding: 2,
      docs: docs(2, 3, 0),
      patch: bindingStatePatch('pages', { cursor: 'c1' }),
    });
    expect(out.chunks).toHaveLength(1);
    const lines = out.text().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { captured: { binding: 2, doc: docs(2, 3, 0)[0] } },
      { captured: { binding: 2, doc: docs(2, 3, 0)[1] } },
      { captured: { binding: 2, doc: docs(2, 3, 0)[2] } },
      {
        checkpoint: { state: { updated: { bindingStateV1: { pages: { cursor: 'c1' } } }, mergePatch: true } },
      },
    ]);
    for (const line of lines) expect(flowResponseSchema.safeParse(JSON.parse(line)).success).toBe(true);
  });

  it('writes a sourced schema before the documents of its transaction, in the same write', async () => {
    const out = slowSink();
    const writer = createTransactionWriter(out.sink);
    const schema = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
    await writer.commit({ binding: 1, docs: docs(1, 1, 0), patch: {}, schema });
    expect(out.chunks).toHaveLength(1);
    const lines = out
      .text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => Object.keys(line)[0])).toEqual(['sourcedSchema', 'captured', 'checkpoint']);
    expect(lines[0]).toEqual({ sourcedSchema: { binding: 1, schema_json: schema } });
    for (const line of lines) expect(flowResponseSchema.safeParse(line).success).toBe(true);
  });

  it('never interleaves concurrent commits from several bindings, and honours backpressure', async () => {
    const out = slowSink({ highWaterMark: 32 });
    const writer = createTransactionWriter(out.sink);
    const bindings = 6;
    const perBinding = 25;
    // Each binding is its own concurrent producer, committing as fast as it can.
    const producers = Array.from({ length: bindings }, async (_, binding) => {
      for (let tx = 0; tx < perBinding; tx++) {
        if ((binding + tx) % 3 === 0) await tick();
        await writer.commit({
          binding,
          docs: docs(binding, (binding * 7 + tx) % 9, tx),
          patch: bindingStatePatch(`key${binding}`, { tx }),
        });
      }
    });
    await Promise.all(producers);
    await writer.flush();

    // One write per transaction, never two writes outstanding, never a write into a full buffer.
    expect(out.stats()).toEqual({ writeCalls: bindings * perBinding, maxInFlight: 1, writesWhileFull: 0 });

    const lines = out
      .text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as OutputLine);
    for (const line of lines) expect(flowResponseSchema.safeParse(line).success).toBe(true);

    // Split the stream at checkpoints: every group is one binding's docs + that binding's checkpoint.
    const lastTx = new Map<number, number>();
    let pending: OutputLine[] = [];
    let transactions = 0;
    for (const line of lines) {
      if (line.captured !== undefined) {
        pending.push(line);
        continue;
      }
      const [key, value] = Object.entries(line.checkpoint?.state.updated.bindingStateV1 ?? {})[0] as [
        string,
        { tx: number },
      ];
      const binding = Number(key.slice(3));
      for (const doc of pending) {
        expect(doc.captured?.binding).toBe(binding);
        expect(doc.captured?.doc.id).toMatch(new RegExp(`^b${binding}-t${value.tx}-`));
      }
      expect(pending).toHaveLength((binding * 7 + value.tx) % 9);
      // Each binding's transactions come out in the order it committed them.
      expect(value.tx).toBe((lastTx.get(binding) ?? -1) + 1);
      lastTx.set(binding, value.tx);
      pending = [];
      transactions++;
    }
    expect(pending).toEqual([]);
    expect(transactions).toBe(bindings * perBinding);
  });

  it('resolves a commit only after the output took it', async () => {
    const out = slowSink({ highWaterMark: 16 });
    const writer = createTransactionWriter(out.sink);
    let resolved = false;
    const commit = writer.commit({ binding: 0, docs: docs(0, 5, 0), patch: {} }).then(() => {
      resolved = true;
    });
    await Promise.resolve();
    expect(resolved).toBe(false);
    expect(out.chunks).toHaveLength(0);
    await commit;
    expect(out.chunks).toHaveLength(1);
  });

  it('orders responses and commits as called', async () => {
    const out = slowSink();
    const writer = createTransactionWriter(out.sink);
    void writer.respond({ opened: { explicitAcknowledgements: false } });
    void writer.commit({ binding: 0, docs: [{ id: 'a' }], patch: { bindingStateV1: { a: { n: 1 } } } });
    await writer.flush();
    expect(out.text()).toBe(
      '{"opened":{"explicitAcknowledgements":false}}\n{"captured":{"binding":0,"doc":{"id":"a"}}}\n{"checkpoint":{"state":{"updated":{"bindingStateV1":{"a":{"n":1}}},"mergePatch":true}}}\n',
    );
  });

  it('a checkpoint-only transaction writes just the checkpoint', async () => {
    const out = slowSink();
    const writer = createTransactionWriter(out.sink);
    await writer.commit({ binding: 1, docs: [], patch: undefined });
    expect(out.text()).toBe('{"checkpoint":{"state":{"updated":{},"mergePatch":true}}}\n');
  });

  it('a transaction that cannot be serialized writes nothing and fails alone', async () => {
    const out = slowSink();
    const writer = createTransactionWriter(out.sink);
    const bad = writer.commit({ binding: 0, docs: [{ id: 'ok' }, { id: 'bad', n: 10n }], patch: {} });
    const good = writer.commit({ binding: 1, docs: [{ id: 'good' }], patch: {} });
    await expect(bad).rejects.toBeInstanceOf(ProtocolError);
    await good;
    expect(out.text()).not.toContain('"ok"');
    expect(out.text()).toContain('"good"');
    await expect(writer.commit({ binding: -1, docs: [], patch: {} })).rejects.toThrow(/non-negative integer/);
  });

  it('a failed write poisons the writer: that commit, later ones and flush reject', async () => {
    const out = slowSink({ failAfter: 1 });
    const writer = createTransactionWriter(out.sink);
    await writer.commit({ binding: 0, docs: [{ id: 'a' }], patch: {} });
    const failed = writer.commit({ binding: 0, docs: [{ id: 'b' }], patch: {} });
    const later = writer.commit({ binding: 1, docs: [{ id: 'c' }], patch: {} });
    await expect(failed).rejects.toThrow(/writing to the Flow runtime \(stdout\) failed/);
    await expect(later).rejects.toBeInstanceOf(ProtocolError);
    await expect(writer.flush()).rejects.toBeInstanceOf(ProtocolError);
    expect(out.chunks).toHaveLength(1);
  });
});
