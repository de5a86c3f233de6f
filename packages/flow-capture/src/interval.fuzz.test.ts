import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalError } from './errors.js';
import { parseInterval } from './interval.js';

// Property-based tests of the interval reader. Seeded, so a failure reproduces.
const SEED = 7_0001;
const RUNS = 400;

describe('parseInterval under fuzz', () => {
  it('random durations: positive whole milliseconds or an IntervalError naming interval', () => {
    const arb = fc.oneof(
      fc.string({ maxLength: 16 }),
      fc
        .tuple(
          fc.nat({ max: 1000 }),
          fc.constantFrom('ns', 'us', 'ms', 's', 'm', 'h', 'W', 'D', 'H', 'M', 'S', ''),
        )
        .map(([n, unit]) => `${n}${unit}`),
      fc
        .tuple(fc.nat({ max: 99 }), fc.nat({ max: 99 }), fc.nat({ max: 99 }))
        .map(([h, m, s]) => `PT${h}H${m}M${s}S`),
    );
    fc.assert(
      fc.property(arb, (text) => {
        try {
          const ms = parseInterval(text);
          expect(Number.isInteger(ms)).toBe(true);
          expect(ms).toBeGreaterThanOrEqual(0);
        } catch (error) {
          expect(error).toBeInstanceOf(IntervalError);
          expect((error as IntervalError).field).toBe('interval');
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('ISO and Go spellings of the same duration agree', () => {
    fc.assert(
      fc.property(fc.nat({ max: 48 }), fc.nat({ max: 59 }), fc.integer({ min: 1, max: 59 }), (h, m, s) => {
        expect(parseInterval(`PT${h}H${m}M${s}S`)).toBe(parseInterval(`${h}h${m}m${s}s`));
        expect(parseInterval(`PT${h}H${m}M${s}S`)).toBe(((h * 60 + m) * 60 + s) * 1000);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
