// The torture check of crashes: chains of SIGKILLs at seeded stdout lines, across the backfill and
// an incremental sweep after the workspace changed, each chain compared with an uninterrupted run.

import { createRandom } from '@source-notion/notion-emulator';
import { type Baseline, crashChain, killPlan, uninterrupted } from './crash.js';
import { mutateWorkspace } from './long-run.js';
import { startSeededEmulator } from './suite.js';
import type { TortureOptions } from './torture-options.js';
import { say, type TortureReport } from './torture-report.js';

export async function checkCrashes(
  bundle: string,
  options: TortureOptions,
  report: TortureReport,
): Promise<void> {
  const { emulator, canary } = await startSeededEmulator({
    seed: options.seed,
    canarySeed: options.seed + 9,
    workspace: { pages: 40 },
    rpm: 600,
    timeScale: 100,
  });
  const random = createRandom(options.seed + 3).next;
  let kills = 0;
  let survived = 0;
  let chains = 0;
  let lost = 0;
  const rework: number[] = [];
  try {
    const base = { bundle, emulator, canary, start: {} as unknown, timeScale: 100 };
    const backfill: Baseline = await uninterrupted(base);
    const half = Math.ceil(options.kills / 2);
    // Backfill: chains of 1–3 kills until half the kills landed.
    const runChains = async (opts: typeof base, baseline: Baseline, target: number, label: string) => {
      let landed = 0;
      let n = 0;
      while (landed < target) {
        n += 1;
        const perChain = 1 + Math.floor(random() * 3);
        const points = killPlan(
          options.seed + n * 7 + (label === 'incremental' ? 5000 : 0),
          baseline.stdoutLines,
          1,
          perChain,
        )[0]!;
        const chain = await crashChain(opts, baseline, points);
        chains += 1;
        landed += chain.kills.length;
        kills += chain.kills.length;
        lost += chain.lost;
        rework.push(chain.kills.length === 0 ? 0 : chain.rework / chain.kills.length);
        const ok =
          chain.problems.length === 0 && chain.diffFromBaseline === '' && chain.canaryHits.length === 0;
        if (ok) survived += chain.kills.length;
        else
          report.failures.push(
            `crash chain (${label}, kills at ${chain.kills.join(',')}): ${chain.problems.join('; ')} ${chain.diffFromBaseline}`,
          );
        say(
          `  ${ok ? 'ok  ' : 'FAIL'} ${label} chain ${n}: killed after lines ${chain.kills.join(', ') || '(none landed)'}; ${chain.sessions} sessions, rework ${chain.rework} requests (baseline ${baseline.requests})`,
        );
      }
    };
    await runChains(base, backfill, half, 'backfill');
    // Incremental: the workspace changes after the backfill, then chains from the backfill state.
    mutateWorkspace(emulator, random);
    mutateWorkspace(emulator, random);
    const incremental = { ...base, start: backfill.state, prior: backfill.committed };
    const incrementalBaseline = await uninterrupted(incremental);
    await runChains(incremental, incrementalBaseline, options.kills - half, 'incremental');
  } finally {
    await emulator.close();
  }
  const mean = rework.reduce((a, b) => a + b, 0) / Math.max(1, rework.length);
  report.rows.push({
    check: 'crashes (SIGKILL + restart)',
    tried: kills,
    passed: survived,
    lost,
    note: `${chains} chains; rework/kill mean ${mean.toFixed(1)}, max ${Math.max(0, ...rework).toFixed(0)} requests`,
  });
}
