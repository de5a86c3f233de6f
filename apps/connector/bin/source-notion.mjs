#!/usr/bin/env node
// The `source-notion` command of a workspace checkout: runs the connector bundle that
// `pnpm build` writes to dist/. It exists in the repository so that installing the workspace
// links the command before anything is built.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/source-notion.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('source-notion: the connector is not built yet; run `pnpm build` first\n');
  process.exit(1);
}
await import(bundle.href);
