// Entry point of the bundle (dist/source-notion.mjs) and of the Docker image.
import { createLogger, redactSecrets } from '@source-notion/core';
import { runCli } from './cli.js';
import { configureHeap } from './heap.js';

configureHeap();
// Only for the last line of an unexpected failure: the connector's own logger (runCli) takes its
// level from the environment (environment.ts).
const logger = createLogger({ level: 'error' });

function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  logger.error(redactSecrets(`unexpected failure: ${message}`));
  process.exit(1);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onTerminate: (handler) => {
    // SIGTERM from the runtime; SIGINT when a person presses Ctrl-C: both stop at a checkpoint.
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
    return () => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    };
  },
  self: { command: process.execPath, args: [...process.execArgv, process.argv[1] ?? ''] },
});
process.exit(code);
