/**
 * The baseline's process entry (bundled by the bench into one file, run with plain node).
 * Environment:
 *   NOTION_API_BASE_URL   the emulator's URL
 *   BENCH_NOTION_TOKEN    the token
 *   BENCH_TIME_SCALE      the emulator's time scale: the SDK's retry sleeps are divided by it
 */
import { once } from 'node:events';
import { runBaseline } from './baseline.js';

async function main(): Promise<void> {
  const baseUrl = process.env.NOTION_API_BASE_URL;
  const token = process.env.BENCH_NOTION_TOKEN;
  if (!baseUrl || !token) throw new Error('NOTION_API_BASE_URL and BENCH_NOTION_TOKEN must be set');
  const timeScale = Number(process.env.BENCH_TIME_SCALE ?? '1') || 1;
  const stdinClosed = new Promise<void>((resolve) => process.stdin.once('end', resolve));
  process.stdin.resume();
  await runBaseline({
    baseUrl,
    token,
    timeScale,
    write: (line) => (process.stdout.write(line) ? undefined : once(process.stdout, 'drain')),
  });
  // Stay alive until the bench has sampled this process and closes stdin.
  await stdinClosed;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`${JSON.stringify({ level: 'error', msg: message })}\n`);
    process.exit(1);
  },
);
