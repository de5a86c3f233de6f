// Torture mode (run by scripts/torture.mjs): the reliability suite at length. Every fault
// scenario over several seeds (plus the known gaps, whose losses are counted apart), the
// unhealable faults, 50+ SIGKILLs across backfill and incremental sweeps, bad protocol input fed
// to the bundle, and a session of emulated hours against a changing workspace. Prints a table and
// exits non-zero when anything lost a document or misbehaved.
import { buildBundle } from './build-bundle.js';
import { checkBadInputs } from './torture-bad-input.js';
import { checkCrashes } from './torture-crashes.js';
import { checkFaultMatrix, checkUnhealable } from './torture-faults.js';
import { checkLongRun } from './torture-long-run.js';
import { parseTortureArgs } from './torture-options.js';
import { createTortureReport, printTable, say } from './torture-report.js';

async function main(): Promise<void> {
  const options = parseTortureArgs(process.argv.slice(2));
  const report = createTortureReport();
  const started = Date.now();
  const bundle = buildBundle();
  try {
    say(
      `torture: seed ${options.seed}, ${options.seeds} seed(s) per fault, ${options.kills} kills, ${options.longSweeps} long-run sweeps`,
    );
    say('fault matrix…');
    await checkFaultMatrix(bundle.path, options, report);
    say('unhealable faults…');
    await checkUnhealable(bundle.path, options, report);
    say('crashes…');
    await checkCrashes(bundle.path, options, report);
    say('bad input…');
    await checkBadInputs(bundle.path, options, report);
    say('long run…');
    await checkLongRun(bundle.path, options, report);
  } finally {
    bundle.cleanup();
  }
  printTable(report.rows);
  say(`\n${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (report.failures.length > 0) {
    say(`\n${report.failures.length} failure(s):`);
    for (const failure of report.failures) say(`- ${failure}`);
    process.exitCode = 1;
  }
}

await main();
