import { createLogger, createSystemClock } from '@source-notion/core';
import type { CliIo } from './cli-io.js';
import { runConnector } from './connector.js';
import { describeError } from './describe-error.js';
import { environmentHelp, readEnvironment } from './environment.js';
import type { Runtime } from './notion-session.js';
import { runPreviewCommand } from './preview/preview-command.js';
import { CONNECTOR_VERSION } from './version.js';

export const USAGE = `source-notion ${CONNECTOR_VERSION}: the Notion capture connector for Estuary Flow

Usage:
  source-notion                 speak the Flow capture protocol on stdin/stdout (what the runtime runs)
  source-notion preview --config config.yaml [--state state.json] [--output dir] [--sessions N] [--webhook-port PORT]
                                run a capture locally the way Flow would and write each collection as JSONL
  source-notion --version       print the version
  source-notion --help          print this help

preview options:
  --config FILE    the endpoint config as YAML (credentials, start_date, advanced), as in a Flow spec
  --state FILE     connector state to resume from and to merge checkpoints into (default: <output>/state.json)
  --output DIR     where <collection>.jsonl files are written, reduced by key (default: ./notion-preview)
  --sessions N     connector sessions to run one after another, each ending after one sweep of every binding (default 1)
  --webhook-port P listen for Notion's webhooks on local port P (forward the subscription's URL to it) and keep
                   capturing what they name until interrupted (Ctrl-C); webhooks.verification_token comes from the config

Environment:
${environmentHelp()}`;

/**
 * Dispatches the command line. With no subcommand (or arguments it does not know, which the
 * runtime may pass) it speaks the protocol; `preview`, `--help` and `--version` are for people.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout.write(`${CONNECTOR_VERSION}\n`);
    return 0;
  }
  let runtime: Runtime;
  try {
    const environment = readEnvironment(io.env);
    runtime = {
      environment,
      clock: createSystemClock({
        scale: environment.timeScale,
        ...(environment.clockStartMs === undefined ? {} : { startMs: environment.clockStartMs }),
      }),
      logger: createLogger({ level: environment.logLevel }),
    };
  } catch (error) {
    // One log line on stderr that says what to fix (LOG_LEVEL itself may be what is wrong).
    createLogger({ level: 'error', write: (line) => void io.stderr.write(line) }).error(describeError(error));
    return 1;
  }
  if (first === 'preview') {
    return runPreviewCommand(rest, io);
  }
  return runConnector({
    stdin: io.stdin,
    stdout: io.stdout,
    runtime,
    ...(io.onTerminate === undefined ? {} : { onTerminate: io.onTerminate }),
  });
}
