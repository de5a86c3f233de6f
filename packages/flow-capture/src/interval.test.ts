import { describe, expect, it } from 'vitest';
import { IntervalError } from './errors.js';
import { parseInterval } from './interval.js';

describe('parseInterval', () => {
  it.each([
    ['PT5M', 300_000],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
    ['P1DT12H', 129_600_000],
    ['P1W', 604_800_000],
    ['PT30S', 30_000],
    ['PT0.5S', 500],
    ['pt5m', 300_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['300s', 300_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['2h45m10s', 9_910_000],
    [' PT5M ', 300_000],
  ])('%s = %d ms', (text, ms) => {
    expect(parseInterval(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '5', 'five minutes', 'P1M', 'P1Y', '5x', '5m junk', 'PT5M1H', '0s', 'PT0S', '-5m'])(
    'rejects %j with an IntervalError naming interval',
    (text) => {
      let error: unknown;
      try {
        parseInterval(text);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(IntervalError);
      expect((error as IntervalError).field).toBe('interval');
      expect((error as IntervalError).message).toMatch(/interval/);
    },
  );
});
