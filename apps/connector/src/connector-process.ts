import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { flowResponseSchema } from '@source-notion/flow-capture';

/** How to start the connector speaking the protocol: e.g. `node dist/source-notion.mjs`. */
export interface ConnectorCommand {
  command: string;
  args: readonly string[];
}

/** One stderr line of the connector: a JSON log `{level, msg, fields}` (other text kept as `msg`). */
export interface ConnectorLog {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

export interface ConnectorExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last stderr log: on failure, what the user must fix. */
  lastLog: ConnectorLog | undefined;
  /** stdout lines that were not protocol responses (must stay empty). */
  protocolErrors: string[];
  /** True when `captured` lines were not followed by a `checkpoint` before exit. */
  endedInsideTransaction: boolean;
  /** Every stdout line, parsed, in order. */
  responses: Record<string, unknown>[];
}

export interface SpawnConnectorOptions {
  command: ConnectorCommand;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Each protocol response, as it arrives. */
  onResponse?: (response: Record<string, unknown>) => void;
  /** Each log line, as it arrives. */
  onLog?: (log: ConnectorLog) => void;
  /** Keep responses in ConnectorExit.responses (default true; turn off for long captures). */
  keepResponses?: boolean;
}

export interface ConnectorRun {
  readonly child: ChildProcess;
  /** Writes one request line to the connector's stdin. */
  send(request: object): void;
  /** Closes the connector's stdin (what the runtime does to end a session). */
  end(): void;
  readonly done: Promise<ConnectorExit>;
}

export function parseLogLine(line: string): ConnectorLog {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && typeof (value as { msg?: unknown }).msg === 'string') {
      const record = value as { level?: unknown; msg: string; fields?: unknown };
      return {
        level: typeof record.level === 'string' ? record.level : 'info',
        msg: record.msg,
        fields:
          typeof record.fields === 'object' && record.fields !== null
            ? (record.fields as Record<string, unknown>)
            : {},
      };
    }
  } catch {
    // not JSON: plain text on stderr
  }
  return { level: 'info', msg: line, fields: {} };
}

/** Starts the connector as the Flow runtime would: requests on stdin, responses on stdout, logs on stderr. */
export function spawnConnector(options: SpawnConnectorOptions): ConnectorRun {
  const child = spawn(options.command.command, [...options.command.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const keep = options.keepResponses ?? true;
  const responses: Record<string, unknown>[] = [];
  const protocolErrors: string[] = [];
  let lastLog: ConnectorLog | undefined;
  let openTransaction = false;

  const stdout = createInterface({ input: child.stdout!, crlfDelay: Number.POSITIVE_INFINITY });
  stdout.on('line', (line) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      protocolErrors.push(line.slice(0, 200));
      return;
    }
    const parsed = flowResponseSchema.safeParse(value);
    if (!parsed.success) {
      protocolErrors.push(line.slice(0, 200));
      return;
    }
    const response = value as Record<string, unknown>;
    if ('captured' in response) openTransaction = true;
    if ('checkpoint' in response) openTransaction = false;
    if (keep) responses.push(response);
    options.onResponse?.(response);
  });
  const stderr = createInterface({ input: child.stderr!, crlfDelay: Number.POSITIVE_INFINITY });
  stderr.on('line', (line) => {
    if (line.trim() === '') return;
    const log = parseLogLine(line);
    lastLog = log;
    options.onLog?.(log);
  });
  // A connector that exits early closes its stdin: writes after that must not crash us.
  child.stdin!.on('error', () => {});

  const closed = (stream: ReturnType<typeof createInterface>) =>
    new Promise<void>((resolve) => stream.once('close', () => resolve()));
  const done = Promise.all([
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve({ code, signal }));
    }),
    closed(stdout),
    closed(stderr),
  ]).then(([exit]) => ({
    ...exit,
    lastLog,
    protocolErrors,
    endedInsideTransaction: openTransaction,
    responses,
  }));

  return {
    child,
    send(request) {
      if (!child.stdin!.destroyed && child.stdin!.writable)
        child.stdin!.write(`${JSON.stringify(request)}\n`);
    },
    end() {
      if (!child.stdin!.destroyed) child.stdin!.end();
    },
    done,
  };
}

/** A connector failure: the message is the connector's last log line. */
export class ConnectorFailedError extends Error {
  readonly exit: ConnectorExit;
  constructor(what: string, exit: ConnectorExit) {
    const why = exit.lastLog?.msg ?? (exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`);
    super(`${what} failed: ${why}`);
    this.name = 'ConnectorFailedError';
    this.exit = exit;
  }
}

/**
 * One request, one response (spec, discover, validate, apply): sends `request`, closes stdin and
 * returns the single response; throws ConnectorFailedError when the connector exits non-zero.
 */
export async function callConnector(
  command: ConnectorCommand,
  request: Record<string, unknown>,
  options: Omit<SpawnConnectorOptions, 'command'> = {},
): Promise<Record<string, unknown>> {
  const run = spawnConnector({ ...options, command });
  run.send(request);
  run.end();
  const exit = await run.done;
  const what = Object.keys(request)[0] ?? 'request';
  if (exit.code !== 0) throw new ConnectorFailedError(what, exit);
  if (exit.protocolErrors.length > 0) {
    throw new ConnectorFailedError(what, {
      ...exit,
      lastLog: { level: 'error', msg: `wrote non-protocol output: ${exit.protocolErrors[0]}`, fields: {} },
    });
  }
  const [response, ...extra] = exit.responses;
  if (response === undefined || extra.length > 0) {
    throw new ConnectorFailedError(what, {
      ...exit,
      lastLog: {
        level: 'error',
        msg: `answered with ${exit.responses.length} responses instead of one`,
        fields: {},
      },
    });
  }
  return response;
}
