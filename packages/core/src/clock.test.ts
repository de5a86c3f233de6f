import { describe, expect, it } from 'vitest';
import { createSystemClock } from './clock.js';
import { createFakeClock } from './testing/fake-clock.js';

describe('createSystemClock', () => {
  it('runs scaled time faster than real time', async () => {
    const clock = createSystemClock({ scale: 100 });
    const before = clock.now();
    const realBefore = performance.now();
    await clock.sleep(1_000); // 10 real ms
    const realElapsed = performance.now() - realBefore;
    expect(realElapsed).toBeLessThan(500);
    expect(clock.now() - before).toBeGreaterThanOrEqual(900);
  });

  it('rejects a sleep with the abort reason', async () => {
    const clock = createSystemClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
  });

  it('starts where it is told', () => {
    const start = Date.parse('2030-01-01T00:00:00.000Z');
    const clock = createSystemClock({ scale: 100, startMs: start });
    expect(clock.now() - start).toBeGreaterThanOrEqual(0);
    expect(clock.now() - start).toBeLessThan(100_000);
    const unscaled = createSystemClock({ startMs: start });
    expect(unscaled.now() - start).toBeLessThan(1_000);
  });

  it('rejects an invalid scale', () => {
    expect(() => createSystemClock({ scale: 0 })).toThrow(RangeError);
  });
});

describe('createFakeClock', () => {
  it('fires sleepers in time order as time advances', async () => {
    const clock = createFakeClock(1_000);
    const fired: string[] = [];
    void clock.sleep(300).then(() => fired.push(`b@${clock.now()}`));
    void clock.sleep(100).then(() => fired.push(`a@${clock.now()}`));
    void clock.sleep(5_000).then(() => fired.push('c'));
    expect(clock.pending()).toBe(3);
    await clock.advance(400);
    expect(fired).toEqual(['a@1100', 'b@1300']);
    expect(clock.now()).toBe(1_400);
    expect(clock.pending()).toBe(1);
    expect(clock.nextDue()).toBe(6_000);
  });

  it('lets sleepers scheduled by woken sleepers fire within the same advance', async () => {
    const clock = createFakeClock(0);
    const fired: number[] = [];
    void clock.sleep(10).then(async () => {
      fired.push(clock.now());
      await clock.sleep(10);
      fired.push(clock.now());
    });
    await clock.advance(25);
    expect(fired).toEqual([10, 20]);
  });

  it('rejects an aborted sleep and forgets it', async () => {
    const clock = createFakeClock(0);
    const controller = new AbortController();
    const sleeping = clock.sleep(100, controller.signal);
    controller.abort(new Error('gone'));
    await expect(sleeping).rejects.toThrow('gone');
    expect(clock.pending()).toBe(0);
  });

  it('runUntil jumps through timers until the promise settles', async () => {
    const clock = createFakeClock(0);
    const work = (async () => {
      await clock.sleep(60_000);
      await clock.sleep(60_000);
      return clock.now();
    })();
    await expect(clock.runUntil(work)).resolves.toBe(120_000);
  });
});
