import type { Readable } from 'node:stream';
import type { Runtime } from './notion-session.js';

/** What the command line works with: the process's streams and surroundings (injectable). */
export interface CliIo {
  stdin: Readable;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  runtime: Runtime;
  onTerminate?: (handler: () => void) => () => void;
  /** How the preview starts the connector: this same program, without arguments. */
  self: { command: string; args: readonly string[] };
}
