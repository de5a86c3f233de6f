// Runs the Vitest project of the package in the current directory through the root config, and
// leaves a JSON report (.test-results.json) that scripts/test-summary.mjs counts.
import { spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const project = basename(process.cwd());
const result = spawnSync(
  'vitest',
  [
    'run',
    '--root',
    root,
    '--project',
    project,
    '--passWithNoTests',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(process.cwd(), '.test-results.json')}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', shell: false },
);
process.exit(result.status ?? 1);
