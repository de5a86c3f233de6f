#!/usr/bin/env node
// Torture mode of the reliability suite (issue 7): runs src/torture.ts against the current
// sources (the connector's bundle built fresh, emulator in process). Takes 10–20 minutes by default;
// `--quick` for a short pass. Options: --seed N --seeds N --kills N --long-sweeps N
// --bad-inputs N --real-timeout (adds one ~75 s real-time slow response).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
const result = spawnSync(
  process.execPath,
  [
    '--conditions=@source-notion/source',
    '--import',
    'tsx',
    join('src', 'torture.ts'),
    ...process.argv.slice(2),
  ],
  { cwd: appDir, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
