import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = dirname(dirname(BENCH_DIR));
export const CONNECTOR_BUNDLE = join(REPO_DIR, 'apps/connector/dist/source-notion.mjs');
export const BASELINE_BUNDLE = join(BENCH_DIR, 'dist/baseline/baseline.mjs');
export const EMULATOR_BUNDLE = join(BENCH_DIR, 'dist/emulator/emulator-process.mjs');

async function bundle(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [join(BENCH_DIR, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@source-notion/source'],
    logLevel: 'warning',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return outfile;
}

/**
 * Bundles the baseline into one file run with plain node, so that its memory and CPU are
 * measured like the connector's bundle (no TypeScript loader in the process).
 */
export function buildBaselineBundle(): Promise<string> {
  return bundle('src/baseline-main.ts', BASELINE_BUNDLE);
}

/**
 * Bundles the emulator process, run with plain node: the API side of every measurement then
 * pays no TypeScript loader (whose kept function names cost the emulator about a tenth of its CPU).
 */
export function buildEmulatorBundle(): Promise<string> {
  return bundle('src/emulator-process.ts', EMULATOR_BUNDLE);
}

/** The connector's bundle, built first when it is missing (or when `rebuild`). */
export function ensureConnectorBundle(rebuild: boolean): string {
  if (rebuild || !existsSync(CONNECTOR_BUNDLE)) {
    const result = spawnSync('pnpm', ['--filter', '@source-notion/connector', 'build'], {
      cwd: REPO_DIR,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (result.status !== 0 || !existsSync(CONNECTOR_BUNDLE)) {
      throw new Error(
        `could not build the connector bundle (${CONNECTOR_BUNDLE}); run \`pnpm --filter @source-notion/connector build\``,
      );
    }
  }
  return CONNECTOR_BUNDLE;
}
