/**
 * Runs `fn` over `items` with at most `limit` calls in flight and yields the results in the order
 * they complete. The first failure stops launching new calls, aborts the ones in flight (through
 * the signal each call gets) and is rethrown. Stopping the iteration early aborts them too.
 */
export async function* mapConcurrent<T, R>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): AsyncGenerator<R> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  type Settled = { key: number; ok: true; value: R } | { key: number; ok: false; error: unknown };
  const running = new Map<number, Promise<Settled>>();
  const iterator = items[Symbol.iterator]();
  let nextKey = 0;
  let exhausted = false;
  const fill = () => {
    while (!exhausted && running.size < limit) {
      if (controller.signal.aborted) throw controller.signal.reason;
      const item = iterator.next();
      if (item.done) {
        exhausted = true;
        return;
      }
      const key = nextKey++;
      // Settled promises never reject, so calls abandoned in flight cannot raise unhandled rejections.
      const settled = Promise.resolve()
        .then(() => fn(item.value, controller.signal))
        .then(
          (value): Settled => ({ key, ok: true, value }),
          (error: unknown): Settled => ({ key, ok: false, error }),
        );
      running.set(key, settled);
    }
  };
  try {
    fill();
    while (running.size > 0) {
      const settled = await Promise.race(running.values());
      running.delete(settled.key);
      if (!settled.ok) throw settled.error;
      fill();
      yield settled.value;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (running.size > 0) controller.abort(new Error('mapConcurrent stopped before every call finished'));
  }
}
