// `pnpm demo`: builds the connector bundle (the connector's own build script, writing
// apps/connector/dist/source-notion.mjs), bundles the demo (it runs the Notion emulator in
// process) and runs it. Everything the demo keeps lives in <repo>/demo-output (gitignored).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
const repoRoot = dirname(dirname(appDir));
const connectorDir = dirname(createRequire(import.meta.url).resolve('@source-notion/connector/package.json'));
const bundle = join(connectorDir, 'dist', 'source-notion.mjs');
const demoBundle = join(appDir, 'dist', 'demo.mjs');

const built = spawnSync(process.execPath, [join(connectorDir, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

await build({
  entryPoints: [join(appDir, 'src', 'demo-main.ts')],
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
