// Declares one vitest test per fault scenario (used by the faults-*.test.ts files).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildBundle } from './build-bundle.js';
import { FAULT_SCENARIOS, type FaultScenario } from './fault-scenarios.js';
import { runScenario } from './run-scenario.js';

/** The scenarios named (by exact name), in that order. */
export function scenarios(...names: string[]): FaultScenario[] {
  return names.map((name) => {
    const scenario = FAULT_SCENARIOS.find((s) => s.name === name);
    if (scenario === undefined) throw new Error(`no fault scenario named "${name}"`);
    return scenario;
  });
}

/**
 * For each scenario: the bundle runs through the protocol against an emulator playing the fault,
 * and must end its session cleanly (exit 0, only protocol on stdout, no open transaction) with
 * reduced collections equal to the ground truth, a log line that says what happened, the fault
 * really played, and the canary token nowhere in stdout, stderr, state or documents.
 */
export function faultTests(list: FaultScenario[], seed: number): void {
  let bundle: ReturnType<typeof buildBundle>;
  beforeAll(() => {
    bundle = buildBundle();
  }, 60_000);
  afterAll(() => bundle?.cleanup());

  for (const scenario of list) {
    it(`heals: ${scenario.name}`, { timeout: 45_000 }, async () => {
      const result = await runScenario(bundle.path, scenario, seed);
      expect(result.happened, 'the fault did not happen: the scenario tests nothing').toBe(true);
      expect(result.exitCode, `last log: ${JSON.stringify(result.lastLog)}`).toBe(0);
      expect(result.protocolErrors).toEqual([]);
      expect(result.endedInsideTransaction).toBe(false);
      expect(result.diffText, 'merged collections differ from the ground truth').toBe('');
      expect(result.clean).toBe(true);
      expect(result.logLine, `no log line matches ${scenario.expectLog}`).toBeDefined();
      expect(result.canaryHits).toEqual([]);
    });
  }
}
