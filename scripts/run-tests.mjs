// Runs every package's tests through turbo, then prints the closing `N passed, N failed` line
// summed from each package's JSON report. Exits non-zero when any test failed.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { globSync } from './glob.mjs';

for (const file of globSync('.test-results.json')) rmSync(file, { force: true });
const turbo = spawnSync(
  'turbo',
  ['run', 'test', '--continue', '--concurrency=1', '--output-logs=errors-only', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
const summary = spawnSync(process.execPath, ['scripts/test-summary.mjs'], { stdio: 'inherit' });
process.exit(turbo.status || summary.status || 0);
