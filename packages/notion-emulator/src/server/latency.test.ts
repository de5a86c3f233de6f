import { describe, expect, it } from 'vitest';
import { createEmulatedClock } from '../clock.js';
import { startEmulator } from '../emulator.js';
import { call } from '../test-support.js';
import { createLatencySampler, parseLatency } from './latency.js';

describe('latency', () => {
  it('samples a seeded lognormal around the median with a slow tail', () => {
    const sample = createLatencySampler({ medianMs: 300, p99Ms: 2000 }, 1);
    const xs = Array.from({ length: 4000 }, sample).sort((a, b) => a - b);
    const median = xs[2000] ?? 0;
    const p99 = xs[3960] ?? 0;
    expect(median).toBeGreaterThan(260);
    expect(median).toBeLessThan(340);
    expect(p99).toBeGreaterThan(1400);
    expect(p99).toBeLessThan(2800);
    const again = createLatencySampler({ medianMs: 300, p99Ms: 2000 }, 1);
    expect(Array.from({ length: 5 }, again)).toEqual(
      Array.from({ length: 5 }, createLatencySampler({ medianMs: 300, p99Ms: 2000 }, 1)),
    );
    expect(createLatencySampler(false, 1)()).toBe(0);
  });

  it('parses the CLI syntax', () => {
    expect(parseLatency('350/2000')).toEqual({ medianMs: 350, p99Ms: 2000 });
    expect(parseLatency('off')).toBe(false);
    expect(() => parseLatency('fast')).toThrow(/MEDIAN\/P99/);
  });

  it('delays responses by emulated latency divided by the time scale', async () => {
    const emu = await startEmulator({ rpm: null, latency: { medianMs: 2000, p99Ms: 2000 }, timeScale: 50 });
    try {
      const started = performance.now();
      for (let i = 0; i < 5; i++) expect((await call(emu, '/v1/users/me')).status).toBe(200);
      const perRequest = (performance.now() - started) / 5;
      expect(perRequest).toBeGreaterThanOrEqual(38);
      expect(perRequest).toBeLessThan(200);
    } finally {
      await emu.close();
    }
  });
});

describe('emulated clock', () => {
  it('runs timeScale times faster from its start', () => {
    let real = 1_000;
    const clock = createEmulatedClock({ startMs: 5_000_000, scale: 60, realNow: () => real });
    expect(clock.now()).toBe(5_000_000);
    real += 1_000;
    expect(clock.now()).toBe(5_060_000);
    expect(clock.toRealMs(60_000)).toBe(1_000);
    expect(() => createEmulatedClock({ scale: 0 })).toThrow(/timeScale/);
  });
});
