import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { plainEnv, runCommand } from './run-command.js';

/**
 * Installs tarballs into `dir` (empty) the way someone outside the workspace would: a bare ESM
 * package.json, then plain `npm install` (its registry for their dependencies, no install scripts).
 */
export async function installTarballs(dir: string, tarballs: readonly string[]): Promise<void> {
  const manifest = { name: 'tarball-install', version: '0.0.0', private: true, type: 'module' };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await runCommand(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', ...tarballs],
    { cwd: dir, env: plainEnv(), timeoutMs: 300_000 },
  );
}
