// Sums the JSON reports that each package's test run leaves and prints `N passed, N failed`.
// A test file that fails to load counts as one failure.
import { readFileSync } from 'node:fs';
import { globSync } from './glob.mjs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of globSync('.test-results.json')) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const suite of report.testResults ?? []) {
    const results = suite.assertionResults ?? [];
    passed += results.filter((r) => r.status === 'passed').length;
    failed += results.filter((r) => r.status === 'failed').length;
    skipped += results.filter((r) => ['pending', 'skipped', 'todo'].includes(r.status)).length;
    if (suite.status === 'failed' && !results.some((r) => r.status === 'failed')) failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
