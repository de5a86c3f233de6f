import { describe, expect, it } from 'vitest';
import { mapConcurrent } from './map-concurrent.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('mapConcurrent', () => {
  it('keeps at most `limit` calls in flight and yields every result', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const results = await collect(
      mapConcurrent(
        Array.from({ length: 30 }, (_, i) => i),
        4,
        async (i) => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
          inFlight -= 1;
          return i * 2;
        },
      ),
    );
    expect(maxInFlight).toBe(4);
    expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i * 2));
  });

  it('yields in completion order', async () => {
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    const iterator = mapConcurrent([0, 1, 2], 3, (i) => gates[i]!.promise);
    const first = iterator.next();
    gates[2]!.resolve('c');
    expect((await first).value).toBe('c');
    gates[0]!.resolve('a');
    gates[1]!.resolve('b');
    expect(await collect({ [Symbol.asyncIterator]: () => iterator })).toEqual(['a', 'b']);
  });

  it('rethrows the first failure and aborts the calls in flight', async () => {
    const signals: AbortSignal[] = [];
    const never = deferred<number>();
    const iterator = mapConcurrent([0, 1, 2], 3, (i, signal) => {
      signals.push(signal);
      if (i === 1) return Promise.reject(new Error('boom'));
      return never.promise;
    });
    await expect(collect({ [Symbol.asyncIterator]: () => iterator })).rejects.toThrow('boom');
    expect(signals).toHaveLength(3);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  it('aborts the calls in flight when the consumer stops early', async () => {
    const signals: AbortSignal[] = [];
    const iterator = mapConcurrent([0, 1, 2, 3], 2, (i, signal) => {
      signals.push(signal);
      return i === 0 ? Promise.resolve(i) : new Promise<number>(() => {});
    });
    for await (const value of iterator) {
      expect(value).toBe(0);
      break;
    }
    expect(signals.length).toBeLessThanOrEqual(3);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  it('propagates an outer abort to the calls', async () => {
    const outer = new AbortController();
    const seen: AbortSignal[] = [];
    const iterator = mapConcurrent(
      [0],
      1,
      (_i, signal) => {
        seen.push(signal);
        return new Promise<number>((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      },
      outer.signal,
    );
    const next = iterator.next();
    await Promise.resolve();
    await Promise.resolve();
    outer.abort(new Error('stop'));
    await expect(next).rejects.toThrow('stop');
    expect(seen[0]!.aborted).toBe(true);
  });

  it('rejects a limit below 1', async () => {
    await expect(collect(mapConcurrent([1], 0, async (i) => i))).rejects.toThrow(RangeError);
  });
});
