// SIGKILL at seeded points of a backfill and of an incremental sweep; restart from the merged
// state until a session completes: the reduced collections equal an uninterrupted run's and the
// ground truth; the rework is reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Baseline, crashChain, killPlan, uninterrupted } from './crash.js';
import { livePages } from './live-pages.js';
import { type Suite, startSuite } from './suite.js';

const SEED = 75;
const SCALE = 100;
let suite: Suite;

beforeAll(async () => {
  suite = await startSuite({ seed: SEED, rpm: 600, timeScale: SCALE });
}, 60_000);

afterAll(() => suite?.close());

const options = () => ({
  bundle: suite.bundle,
  emulator: suite.emulator,
  canary: suite.canary,
  start: {} as unknown,
  timeScale: SCALE,
});

describe('crashes (SIGKILL) and restarts', () => {
  let baseline: Baseline;

  it('backfill: 4 seeded kill points (one chain of 2 kills, two of 1)', { timeout: 55_000 }, async () => {
    baseline = await uninterrupted(options());
    const plan = killPlan(SEED, baseline.stdoutLines, 3, 1);
    plan[0]!.push(...killPlan(SEED + 1, baseline.stdoutLines, 1, 1)[0]!);
    const rework: number[] = [];
    for (const points of plan) {
      const chain = await crashChain(options(), baseline, points);
      // The first kill always lands (same start as the baseline); a later one may find the
      // restarted session already done.
      expect(chain.kills[0], 'the first kill did not land').toBe(points[0]);
      expect(chain.problems).toEqual([]);
      expect(chain.diffFromBaseline).toBe('');
      expect(chain.diffFromTruth).toBe('');
      expect(chain.lost).toBe(0);
      expect(chain.canaryHits).toEqual([]);
      rework.push(chain.rework);
      // Bounded: a restart redoes at most what was in flight, never the whole backfill per kill.
      expect(chain.rework).toBeLessThanOrEqual(baseline.requests * chain.kills.length);
    }
    console.info(
      `backfill rework (requests beyond the uninterrupted ${baseline.requests}): ${rework.join(', ')}`,
    );
  });

  it('incremental: 2 seeded kill points in a sweep after the workspace changed', {
    timeout: 55_000,
  }, async () => {
    const ws = suite.emulator.workspace;
    const backfill = baseline ?? (await uninterrupted(options()));
    const pages = livePages(ws);
    ws.editPage(pages[2]!.id);
    ws.appendBlocks(pages[4]!.id, 3);
    ws.editPage(pages[6]!.id);
    ws.addComment(pages[6]!.id, { text: 'after the backfill' });
    const incremental = { ...options(), start: backfill.state, prior: backfill.committed };
    const base = await uninterrupted(incremental);
    for (const points of killPlan(SEED + 2, base.stdoutLines, 2, 1)) {
      const chain = await crashChain(incremental, base, points);
      expect(chain.kills, 'the kill did not land').toEqual(points);
      expect(chain.problems).toEqual([]);
      // Backfill + changes, from the chain and from the uninterrupted incremental run.
      expect(chain.diffFromBaseline).toBe('');
      expect(chain.diffFromTruth).toBe('');
      expect(chain.lost).toBe(0);
      expect(chain.canaryHits).toEqual([]);
    }
  });
});
