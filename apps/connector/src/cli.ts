import type { CliIo } from './cli-io.js';
import { runConnector } from './connector.js';
import { runPreviewCommand } from './preview/preview-command.js';
import { CONNECTOR_VERSION } from './version.js';

export const USAGE = `source-notion ${CONNECTOR_VERSION}: the Notion capture connector for Estuary Flow

Usage:
  source-notion                 speak the Flow capture protocol on stdin/stdout (what the runtime runs)
  source-notion preview --config config.yaml [--state state.json] [--output dir] [--sessions N]
                                run a capture locally the way Flow would and write each collection as JSONL
  source-notion --version       print the version
  source-notion --help          print this help

preview options:
  --config FILE    the endpoint config as YAML (credentials, start_date, advanced), as in a Flow spec
  --state FILE     connector state to resume from and to merge checkpoints into (default: <output>/state.json)
  --output DIR     where <collection>.jsonl files are written, reduced by key (default: ./notion-preview)
  --sessions N     connector sessions to run one after another, each ending after one sweep of every binding (default 1)

Environment:
  LOG_LEVEL                      debug, info (default), warn or error
  NOTION_API_BASE_URL            another Notion API server (emulators and tests only)
  SOURCE_NOTION_TIME_SCALE       run time this many times faster (tests and benchmarks against the emulator only)
`;

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
  if (first === 'preview') {
    return runPreviewCommand(rest, io);
  }
  return runConnector({
    stdin: io.stdin,
    stdout: io.stdout,
    runtime: io.runtime,
    ...(io.onTerminate === undefined ? {} : { onTerminate: io.onTerminate }),
  });
}
