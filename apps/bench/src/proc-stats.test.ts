import { describe, expect, it } from 'vitest';
import { parseCpuSeconds, parseVmHwm, sampleProcess } from './proc-stats.js';

describe('parseVmHwm', () => {
  it('reads the peak RSS in bytes', () => {
    expect(parseVmHwm('Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t 40000 kB\n')).toBe(
      51200 * 1024,
    );
    expect(parseVmHwm('Name:\tnode\n')).toBeUndefined();
  });
});

describe('parseCpuSeconds', () => {
  it('adds utime and stime, skipping a command name with spaces and parens', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 10 0 0 0 250 40 0 0 20 0 11 0 100 0 0';
    expect(parseCpuSeconds(stat)).toBeCloseTo(2.9, 5);
    expect(parseCpuSeconds('garbage')).toBeUndefined();
  });
});

describe('sampleProcess', () => {
  it('samples this process and nothing for a pid that does not exist', () => {
    const sample = sampleProcess(process.pid);
    expect(sample?.peakRssBytes).toBeGreaterThan(10 * 2 ** 20);
    expect(sample?.cpuSeconds).toBeGreaterThan(0);
    expect(sampleProcess(2 ** 30)).toBeUndefined();
  });
});
