// The CI version of the long run: 8 sweeps 10 emulated minutes apart (80 minutes) against a
// workspace mutated after every sweep. Memory stays flat, the state stays proportional to the
// workspace, and the capture equals the ground truth at the end. The torture script runs it for
// emulated hours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longRun } from './long-run.js';
import { type Suite, startSuite } from './suite.js';

const SEED = 78;
const SCALE = 1000;
let suite: Suite;

beforeAll(async () => {
  suite = await startSuite({ seed: SEED, timeScale: SCALE });
}, 60_000);

afterAll(() => suite?.close());

describe('a long session against a changing workspace', () => {
  it('keeps memory flat and state proportional, and captures every change', { timeout: 58_000 }, async () => {
    const result = await longRun({
      bundle: suite.bundle,
      emulator: suite.emulator,
      canary: suite.canary,
      timeScale: SCALE,
      sweeps: 8,
      interval: 'PT10M',
      seed: SEED,
      timeoutMs: 50_000,
    });
    const { session } = result;
    console.info(
      `long run: ${result.emulatedHours.toFixed(1)} emulated h, ${result.mutations} mutations, RSS ${result.rssFirstKiB}→${result.rssLastKiB} KiB (max ${result.rssMaxKiB}), slope ${result.rssSlopeKiBPerHour.toFixed(0)} KiB per emulated hour (second half) over ${result.samples.length} samples; state ${result.stateBytesFirst}→${result.stateBytesLast} B for ${result.pagesFirst}→${result.pagesLast} pages`,
    );
    expect(session.timedOut).toBe(false);
    expect(session.exit.code).toBe(0);
    expect(session.exit.endedInsideTransaction).toBe(false);
    expect(result.mutations).toBeGreaterThan(20);
    expect(result.diffFromTruth).toBe('');
    expect(result.canaryHits).toEqual([]);
    // Memory: no growth beyond noise once the backfill is done (a leak of one page entry per
    // sweep would not show in 80 minutes; the torture run measures hours).
    expect(result.samples.length).toBeGreaterThan(10);
    expect(result.rssMaxKiB - result.rssFirstKiB).toBeLessThan(64 * 1024);
    // State: proportional to the workspace, not to the number of sweeps.
    expect(result.bytesPerPageLast).toBeLessThan(result.bytesPerPageFirst * 1.3);
  });
});
