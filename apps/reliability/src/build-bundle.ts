// The connector bundle the suite tests: built fresh from the current sources, or one given.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The connector's package directory: its `scripts/build.mjs` writes the bundle. */
const connectorDir = dirname(createRequire(import.meta.url).resolve('@source-notion/connector/package.json'));

/**
 * A fresh build of the bundle into a temporary directory (what the connector's `pnpm build` writes
 * to apps/connector/dist/source-notion.mjs), so the suite tests the current sources. Set
 * SOURCE_NOTION_BUNDLE to test a given bundle instead (e.g. the image's).
 */
export function buildBundle(): { path: string; cleanup(): void } {
  const given = process.env.SOURCE_NOTION_BUNDLE;
  if (given !== undefined && given !== '') {
    if (!existsSync(given)) throw new Error(`SOURCE_NOTION_BUNDLE=${given} does not exist`);
    return { path: given, cleanup: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'source-notion-reliability-'));
  const path = join(dir, 'source-notion.mjs');
  execFileSync(process.execPath, [join(connectorDir, 'scripts', 'build.mjs'), '--outfile', path], {
    stdio: 'pipe',
  });
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
