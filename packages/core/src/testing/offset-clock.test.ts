import { describe, expect, it } from 'vitest';
import { createOffsetClock } from './offset-clock.js';

describe('createOffsetClock', () => {
  it('follows its time source plus the offset a test sets', async () => {
    let source = 1_000;
    const clock = createOffsetClock(() => source);
    expect(clock.now()).toBe(1_000);
    source = 2_000;
    clock.offsetMs = 600_000;
    expect(clock.now()).toBe(602_000);
    await expect(clock.sleep(0)).resolves.toBeUndefined();
    const aborted = AbortSignal.abort(new Error('stop'));
    await expect(clock.sleep(10_000, aborted)).rejects.toThrow('stop');
  });
});
