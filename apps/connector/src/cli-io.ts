import type { Readable } from 'node:stream';

/** What the command line works with: the process's streams and surroundings (injectable). */
export interface CliIo {
  stdin: Readable;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  /**
   * The process environment: its switches are read once (environment.ts), and the preview passes
   * it on to the connector it starts.
   */
  env: NodeJS.ProcessEnv;
  onTerminate?: (handler: () => void) => () => void;
  /** How the preview starts the connector: this same program, without arguments. */
  self: { command: string; args: readonly string[] };
}
