// Bundles the connector into ONE self-contained file, dist/source-notion.mjs: everything it
// imports (core, flow-capture, the streams, @notionhq/client, undici, zod, yaml) is inlined, so
// `node dist/source-notion.mjs` runs with no node_modules beside it (what the Docker image runs).
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
const { version } = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
// `--outfile <path>` writes elsewhere (the tests build into a temporary directory).
const outIndex = process.argv.indexOf('--outfile');
const outfile =
  outIndex > 0 && process.argv[outIndex + 1]
    ? resolve(process.argv[outIndex + 1])
    : join(appDir, 'dist', 'source-notion.mjs');

await build({
  entryPoints: [join(appDir, 'src', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Read the workspace packages' TypeScript sources directly: no package build needed first.
  conditions: ['@source-notion/source'],
  mainFields: ['module', 'main'],
  define: { SOURCE_NOTION_VERSION: JSON.stringify(version) },
  // CommonJS dependencies (undici, @notionhq/client) call require() for Node builtins.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __sourceNotionCreateRequire } from 'node:module';",
      'const require = __sourceNotionCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  legalComments: 'none',
  sourcemap: false,
  minify: false,
  logLevel: 'warning',
});
// V8 keeps the bundle's source in memory for the life of the process, with two bytes per
// character when any character is outside ASCII (4.6 MB instead of 2.3 MB). esbuild escapes
// strings and identifiers but not comments or regular expression literals: escape what is left
// (`\uXXXX` stands for the same UTF-16 unit in both).
const source = readFileSync(outfile, 'utf8');
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is every non-ASCII unit
const ascii = source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
if (ascii !== source) writeFileSync(outfile, ascii);
chmodSync(outfile, 0o755);
process.stderr.write(`built ${outfile} (version ${version})\n`);
