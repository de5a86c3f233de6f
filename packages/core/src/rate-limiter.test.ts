import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRateLimiter, sharedRateLimiter } from './rate-limiter.js';
import { createFakeClock } from './testing/fake-clock.js';

const WINDOW = 60_000;
const MARGIN = 500;

/** Largest number of timestamps inside any half-open window [t, t + windowMs). */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('createRateLimiter', () => {
  it('lets a burst of the budget through at once, the rest one window later', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ requestsPerMinute: 180, maxInFlight: 1_000, clock });
    const grants: number[] = [];
    const all = Array.from({ length: 250 }, async () => {
      const release = await limiter.acquire();
      grants.push(clock.now());
      release();
    });
    await clock.runUntil(Promise.all(all));
    expect(grants.filter((t) => t === 0)).toHaveLength(180);
    expect(grants.filter((t) => t === WINDOW + MARGIN)).toHaveLength(70);
    expect(clock.now()).toBe(WINDOW + MARGIN);
    expect(maxInAnyWindow(grants, WINDOW)).toBeLessThanOrEqual(180);
    const stats = limiter.stats();
    expect(stats.requests).toBe(250);
    expect(stats.waitedMs).toBe(70 * (WINDOW + MARGIN));
    expect(stats.queued).toBe(0);
  });

  it('never exceeds the budget in any 60 s window, whatever the arrival pattern', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.array(
          fc.record({ gap: fc.integer({ min: 0, max: 20_000 }), hold: fc.integer({ min: 0, max: 5_000 }) }),
          {
            minLength: 1,
            maxLength: 80,
          },
        ),
        async (budget, arrivals) => {
          const clock = createFakeClock(0);
          const limiter = createRateLimiter({
            requestsPerMinute: budget,
            maxInFlight: 4,
            clock,
            safetyMarginMs: 0,
          });
          const grants: number[] = [];
          const work = (async () => {
            const running: Promise<void>[] = [];
            for (const { gap, hold } of arrivals) {
              await clock.sleep(gap);
              running.push(
                (async () => {
                  const release = await limiter.acquire();
                  grants.push(clock.now());
                  await clock.sleep(hold);
                  release();
                })(),
              );
            }
            await Promise.all(running);
          })();
          await clock.runUntil(work);
          expect(grants).toHaveLength(arrivals.length);
          expect(maxInAnyWindow(grants, WINDOW)).toBeLessThanOrEqual(budget);
          expect(limiter.stats().maxInFlight).toBeLessThanOrEqual(4);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('bounds requests in flight and hands slots over in order', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ requestsPerMinute: 1_000, maxInFlight: 2, clock });
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const all = [0, 1, 2, 3].map(async (i) => {
      releases[i] = await limiter.acquire();
      order.push(i);
    });
    await clock.advance(0);
    expect(order).toEqual([0, 1]);
    expect(limiter.stats()).toMatchObject({ inFlight: 2, queued: 2 });
    releases[1]!();
    releases[1]!(); // a second release is a no-op
    await clock.advance(0);
    expect(order).toEqual([0, 1, 2]);
    expect(limiter.stats().inFlight).toBe(2);
    releases[0]!();
    releases[2]!();
    await Promise.all(all);
    releases[3]!();
    expect(limiter.stats()).toMatchObject({ inFlight: 0, maxInFlight: 2, queued: 0 });
  });

  it('pauses every acquire globally; a pause extends but never shortens', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ requestsPerMinute: 100, clock });
    limiter.pause(7_000, '429 rate_limited');
    limiter.pause(2_000, 'shorter, ignored');
    const grants: number[] = [];
    const all = [1, 2, 3].map(async () => {
      (await limiter.acquire())();
      grants.push(clock.now());
    });
    await clock.advance(6_999);
    expect(grants).toEqual([]);
    limiter.pause(3_000, 'extends to 9999');
    await clock.advance(1);
    expect(grants).toEqual([]);
    await clock.runUntil(Promise.all(all));
    expect(grants).toEqual([9_999, 9_999, 9_999]);
    expect(limiter.stats().pausedMs).toBe(9_999);
  });

  it('rejects an aborted acquire and lets the queue move on', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ requestsPerMinute: 10, maxInFlight: 1, clock });
    const first = await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    first();
    const release = await next;
    release();
    expect(limiter.stats()).toMatchObject({ requests: 2, queued: 0, inFlight: 0 });
    await expect(limiter.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('counts retries, 429s and 529s', () => {
    const limiter = createRateLimiter({ requestsPerMinute: 10, clock: createFakeClock(0) });
    limiter.noteRetry();
    limiter.noteRateLimited('rate_limited');
    limiter.noteRateLimited('service_overload');
    limiter.noteRateLimited('rate_limited');
    limiter.noteError('network');
    expect(limiter.stats()).toMatchObject({ retries: 1, rateLimited: 2, overloaded: 1, networkErrors: 1 });
  });

  it('is fast: 200,000 acquire/release pairs well under a second', async () => {
    const limiter = createRateLimiter({
      requestsPerMinute: 1_000_000,
      maxInFlight: 64,
      clock: createFakeClock(0),
    });
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) (await limiter.acquire())();
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(limiter.stats().requests).toBe(200_000);
  });

  it('rejects a budget below one', () => {
    expect(() => createRateLimiter({ requestsPerMinute: 0 })).toThrow(RangeError);
  });
});

describe('sharedRateLimiter', () => {
  it('returns one limiter per token', () => {
    const a = sharedRateLimiter('shared-limiter-token-a', { requestsPerMinute: 180 });
    expect(sharedRateLimiter('shared-limiter-token-a', { requestsPerMinute: 999 })).toBe(a);
    expect(sharedRateLimiter('shared-limiter-token-b', { requestsPerMinute: 180 })).not.toBe(a);
  });
});

describe('window counted until the response', () => {
  it('frees a slot one window after its response, not after its send, so slow responses cannot crowd a server window', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ requestsPerMinute: 3, maxInFlight: 10, clock, safetyMarginMs: 0 });
    const releases = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    let fourthAt: number | undefined;
    void limiter.acquire().then(() => {
      fourthAt = clock.now();
    });
    // The three responses take 5 s: the server may have counted them as late as t = 5 s.
    await clock.advance(5_000);
    for (const release of releases) release();
    await clock.advance(55_000); // t = 60 s: one window after the sends, not after the responses
    expect(fourthAt).toBeUndefined();
    await clock.advance(5_000); // t = 65 s
    expect(fourthAt).toBe(65_000);
  });

  it('waits for a release while the whole budget is in flight', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ requestsPerMinute: 2, maxInFlight: 10, clock, safetyMarginMs: 0 });
    const [first] = await Promise.all([limiter.acquire(), limiter.acquire()]);
    let third = false;
    void limiter.acquire().then(() => {
      third = true;
    });
    await clock.advance(120_000);
    expect(third).toBe(false);
    first?.();
    await clock.advance(60_000);
    expect(third).toBe(true);
  });
});
