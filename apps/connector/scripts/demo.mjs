// `pnpm demo`: builds the connector bundle, bundles the demo (it runs the Notion emulator in
// process) and runs it. Everything the demo keeps lives in <repo>/demo-output (gitignored).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
const repoRoot = dirname(dirname(appDir));
const bundle = join(appDir, 'dist', 'source-notion.mjs');
const demoBundle = join(appDir, 'dist', 'demo.mjs');

const built = spawnSync(process.execPath, [join(appDir, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

await build({
  entryPoints: [join(appDir, 'src', 'demo', 'demo-main.ts')],
  outfile: demoBundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@source-notion/source'],
  banner: {
    js: "import { createRequire as __demoCreateRequire } from 'node:module'; const require = __demoCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

const demo = spawnSync(
  process.execPath,
  [demoBundle, '--bundle', bundle, '--output', join(repoRoot, 'demo-output')],
  {
    stdio: 'inherit',
  },
);
process.exit(demo.status ?? 1);
