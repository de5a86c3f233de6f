// The torture check of a long run: one session of emulated hours against a workspace mutated after
// every sweep; memory, state size and the capture at the end.
import { longRun } from './long-run.js';
import { startSeededEmulator } from './suite.js';
import type { TortureOptions } from './torture-options.js';
import type { TortureReport } from './torture-report.js';

export async function checkLongRun(
  bundle: string,
  options: TortureOptions,
  report: TortureReport,
): Promise<void> {
  const { emulator, canary } = await startSeededEmulator({
    seed: options.seed,
    canarySeed: options.seed + 17,
    workspace: { pages: 60 },
    timeScale: 1000,
  });
  try {
    const result = await longRun({
      bundle,
      emulator,
      canary,
      timeScale: 1000,
      sweeps: options.longSweeps,
      interval: 'PT10M',
      seed: options.seed,
      sampleEveryMs: 250,
      timeoutMs: 30 * 60_000,
    });
    const missing = result.diffFromTruth === '' ? 0 : result.diffFromTruth.split('\n').length;
    const ok =
      result.session.exit.code === 0 &&
      result.diffFromTruth === '' &&
      result.canaryHits.length === 0 &&
      result.bytesPerPageLast < result.bytesPerPageFirst * 1.3;
    report.rows.push({
      check: 'long run',
      tried: 1,
      passed: ok ? 1 : 0,
      lost: missing,
      note: `${result.emulatedHours.toFixed(1)} h emulated, ${result.mutations} mutations; RSS ${(result.rssFirstKiB / 1024).toFixed(0)}→${(result.rssLastKiB / 1024).toFixed(0)} MiB (max ${(result.rssMaxKiB / 1024).toFixed(0)}), slope ${result.rssSlopeKiBPerHour.toFixed(0)} KiB per emulated hour (second half); state ${result.bytesPerPageFirst.toFixed(0)}→${result.bytesPerPageLast.toFixed(0)} B/page (${result.pagesFirst}→${result.pagesLast} pages)`,
    });
    if (!ok) report.failures.push(`long run: exit ${result.session.exit.code}, ${result.diffFromTruth}`);
  } finally {
    await emulator.close();
  }
}
