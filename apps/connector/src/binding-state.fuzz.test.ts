import type { EndpointConfig } from '@source-notion/core';
import {
  applyMergePatch,
  createLogger,
  createMergePatch,
  loadStreamState,
  parseEndpointConfig,
} from '@source-notion/core';
import { bindingState, bindingStatePatch } from '@source-notion/flow-capture';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// A stream's state (core) kept in Flow's connector state under its binding's stateKey
// (flow-capture), as the capture writes it: checkpoints merged by the runtime one by one, and the
// reset patch of state that no longer parses. Seeded, so a failure reproduces.
const SEED = 7_0003;
const RUNS = 300;

/** JSON without nulls inside objects (RFC 7396 cannot set a member to null; stream state keeps them out). */
const stateValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;
const stateObject = fc.dictionary(fc.string({ maxLength: 6 }), stateValue, { maxKeys: 5 });

// A stream-like state schema, as the streams write theirs.
const demoStateSchema = z.object({
  version: z.literal(2),
  cursor: z.string().optional(),
  pending: z.array(z.string()).default([]),
  backfill: z.object({ done: z.boolean(), after: z.string().optional() }).optional(),
});
type DemoState = z.output<typeof demoStateSchema>;
const demoStream = {
  name: 'pages',
  stateSchema: demoStateSchema as z.ZodType<DemoState>,
  initialState: (_config: EndpointConfig): DemoState => ({ version: 2, pending: [] }),
};
const CONFIG = parseEndpointConfig(
  { credentials: { auth_type: 'token', token: 'test-token-state-fuzz-1' } },
  { now: new Date('2026-01-01T00:00:00Z') },
);

describe('merge patches (what Flow does with checkpoints)', () => {
  it('a sequence of checkpoints merged one by one equals the last state (any prefix survives a crash)', () => {
    fc.assert(
      fc.property(fc.array(stateObject, { minLength: 1, maxLength: 6 }), (states) => {
        let runtime: unknown = {};
        let previous: unknown = {};
        for (const state of states) {
          const patch = createMergePatch(previous, state) ?? {};
          // Through JSON, as it travels on stdout.
          runtime = applyMergePatch(runtime, JSON.parse(JSON.stringify(bindingStatePatch('b.v1', patch))));
          previous = state;
          expect(bindingState(runtime, 'b.v1') ?? {}).toEqual(state);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('state recovery', () => {
  it('the reset patch through the runtime leaves exactly the initial state under the stateKey', () => {
    fc.assert(
      fc.property(stateObject, fc.string({ minLength: 1, maxLength: 10 }), (corrupt, stateKey) => {
        const runtime = { bindingStateV1: { [stateKey]: { ...corrupt, version: 1 } } };
        const loaded = loadStreamState(
          demoStream,
          bindingState(runtime, stateKey),
          CONFIG,
          createLogger({ write: () => {} }),
        );
        expect(loaded.resetPatch).toBeDefined();
        const merged = applyMergePatch(
          runtime,
          JSON.parse(JSON.stringify(bindingStatePatch(stateKey, loaded.resetPatch))),
        );
        expect(bindingState(merged, stateKey)).toEqual(demoStream.initialState(CONFIG));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
