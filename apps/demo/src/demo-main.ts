// Entry point of the demo bundle (scripts/demo.mjs builds and runs it).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runDemo } from './demo.js';

const { values } = parseArgs({
  options: { bundle: { type: 'string' }, output: { type: 'string' } },
  strict: true,
});
if (values.bundle === undefined || values.output === undefined) {
  process.stderr.write('usage: demo --bundle dist/source-notion.mjs --output demo-output\n');
  process.exit(2);
}
// Ctrl-C reaches the preview too: it stops at a checkpoint; keep the emulator up until it exits.
process.on('SIGINT', () => {});
const code = await runDemo({
  bundle: resolve(values.bundle),
  outputDir: resolve(values.output),
  write: (text) => void process.stdout.write(text),
});
process.exit(code);
