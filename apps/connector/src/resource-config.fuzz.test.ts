import { ConfigError, STREAM_NAMES } from '@source-notion/core';
import { parseInterval } from '@source-notion/flow-capture';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseResourceConfig } from './resource-config.js';

// Property-based tests of the resource config reader. Seeded, so a failure reproduces.
const SEED = 7_0001;
const RUNS = 400;

describe('parseResourceConfig under fuzz', () => {
  it('random resource configs: a config or one ConfigError naming a resourceConfig field', () => {
    const arb = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          stream: fc.oneof(fc.constantFrom(...STREAM_NAMES), fc.string({ maxLength: 20 }), fc.integer()),
          syncMode: fc.oneof(fc.constantFrom('incremental', 'full_refresh'), fc.string({ maxLength: 12 })),
          interval: fc.oneof(
            fc.constantFrom('PT5M', '5m', '1h30m', 'P1D', '0s', ''),
            fc.string({ maxLength: 12 }),
          ),
          namespace: fc.string({ maxLength: 8 }),
          cursorField: fc.oneof(
            fc.string({ maxLength: 8 }),
            fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
          ),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(arb, (raw) => {
        try {
          const parsed = parseResourceConfig(raw, 'bindings[0].resourceConfig');
          expect(STREAM_NAMES).toContain(parsed.stream);
          if (parsed.interval !== undefined) expect(parseInterval(parsed.interval)).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).field).toMatch(/^bindings\[0\]\.resourceConfig/);
          expect((error as ConfigError).message).toContain('bindings[0].resourceConfig');
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
