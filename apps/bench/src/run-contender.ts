import { type CaptureReducer, createCaptureReducer } from './capture-reducer.js';
import { type ChildRunResult, runChild } from './child-run.js';
import { FLOOR_STREAMS } from './workspace-shape.js';

/** Where a contender finds Notion and how fast time runs there. */
export interface Target {
  url: string;
  token: string;
  /** Per-token budget the connector is told about (config `advanced.requests_per_minute`). */
  requestsPerMinute: number;
  timeScale: number;
}

export interface SessionOutcome {
  run: ChildRunResult;
  reducer: CaptureReducer;
  /** `captured` lines received by the time the measured work was done. */
  documentsAtDone: number;
  /** The limiter counters and sweep figures the connector logged when each binding finished. */
  sweeps: Record<string, Record<string, unknown>>;
}

/** The connector's webhook listener (config `webhooks`): where it listens and the subscription's token. */
export interface WebhookListener {
  port: number;
  verificationToken: string;
}

/** The start date handed to the connector: before anything the emulator generates. */
export const BENCH_START_DATE = '2015-01-01T00:00:00.000Z';

/**
 * The `open` request the Flow runtime would send for a capture with a binding per stream of
 * `streams` (default: the six the floor covers). Each binding sweeps once a day (one sweep is
 * measured), or with `defaultIntervals` at the connector's own default interval (no interval in
 * the request).
 */
export function openRequest(
  target: Target,
  state: unknown,
  options: {
    defaultIntervals?: boolean;
    streams?: readonly string[];
    webhooks?: WebhookListener | undefined;
  } = {},
): Record<string, unknown> {
  const daily = options.defaultIntervals !== true;
  const { webhooks } = options;
  return {
    open: {
      capture: {
        name: 'bench/source-notion',
        config: {
          credentials: { auth_type: 'token', token: target.token },
          start_date: BENCH_START_DATE,
          advanced: { requests_per_minute: target.requestsPerMinute },
          ...(webhooks
            ? {
                webhooks: {
                  enabled: true,
                  port: webhooks.port,
                  verification_token: webhooks.verificationToken,
                },
              }
            : {}),
        },
        ...(daily ? { intervalSeconds: 86_400 } : {}),
        bindings: (options.streams ?? FLOOR_STREAMS).map((stream) => ({
          resourceConfig: { stream, syncMode: 'incremental', ...(daily ? { interval: 'PT24H' } : {}) },
          resourcePath: [stream],
          collection: { name: `bench/${stream}`, key: ['/id'] },
          backfill: 0,
          stateKey: stream,
        })),
      },
      version: 'bench',
      range: { keyBegin: 0, keyEnd: 4294967295, rClockBegin: 0, rClockEnd: 4294967295 },
      state,
    },
  };
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR, LANG } = process.env;
  return { PATH, HOME, TMPDIR, LANG, ...extra };
}

export interface ConnectorSessionOptions {
  bundle: string;
  target: Target;
  /** The merged state of the previous session ({} for a backfill). */
  state: unknown;
  /** The previous session's collections, to reduce this session's documents onto. */
  collections?: Readonly<Record<string, ReadonlySet<string>>> | undefined;
  timeoutMs: number;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: readonly string[];
  /** Every binding at the connector's default interval (steady state) rather than once a day. */
  defaultIntervals?: boolean;
  /** The connector's clock starts here (SOURCE_NOTION_CLOCK_START): the emulator's time at spawn. */
  clockStartMs?: number | undefined;
  /** Ends the session once true (checked on every line); default: every binding swept once. */
  until?: () => boolean;
  /** Each stderr line of the connector. */
  onStderr?: (line: string) => void;
  /**
   * The bindings (default: the six the floor covers): streams, and `rows.<data source id>` for a
   * data source's typed rows.
   */
  streams?: readonly string[] | undefined;
  /** Each stdout message of the connector, parsed (after the reducer has applied it). */
  onMessage?: (message: unknown) => void;
  /** Webhooks on: the connector listens on this port for the subscription with this token. */
  webhooks?: WebhookListener | undefined;
}

/**
 * Runs one `open` session of the connector's bundle, as the Flow runtime would, until every
 * binding has logged the completion of its first sweep (a `sweepCompleted` log event); then closes
 * stdin and lets the connector finish its checkpoint and exit.
 */
export async function runConnectorSession(options: ConnectorSessionOptions): Promise<SessionOutcome> {
  const streams = options.streams ?? FLOOR_STREAMS;
  const reducer = createCaptureReducer(streams, {
    state: options.state,
    collections: options.collections,
  });
  const sweeps: Record<string, Record<string, unknown>> = {};
  let documentsAtDone = 0;
  const isDone = options.until ?? (() => Object.keys(sweeps).length === streams.length);
  const run = await runChild({
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), options.bundle],
    env: baseEnv({
      NOTION_API_BASE_URL: options.target.url,
      SOURCE_NOTION_TIME_SCALE: String(options.target.timeScale),
      ...(options.clockStartMs === undefined
        ? {}
        : { SOURCE_NOTION_CLOCK_START: String(Math.floor(options.clockStartMs)) }),
      LOG_LEVEL: 'info',
    }),
    input: `${JSON.stringify(openRequest(options.target, options.state, { defaultIntervals: options.defaultIntervals, streams, webhooks: options.webhooks }))}\n`,
    onMessage: (message) => {
      reducer.apply(message);
      options.onMessage?.(message);
      if (!isDone()) documentsAtDone = reducer.documents;
    },
    onStderr: (line) => {
      options.onStderr?.(line);
      if (!line.includes('sweepCompleted')) return;
      try {
        const log = JSON.parse(line) as { fields?: Record<string, unknown> };
        const fields = log.fields ?? {};
        if (typeof fields.sweepCompleted === 'number' && typeof fields.stream === 'string') {
          sweeps[fields.stream] ??= fields;
        }
      } catch {
        // not a JSON log line
      }
    },
    isDone,
    timeoutMs: options.timeoutMs,
  });
  return { run, reducer, documentsAtDone: run.ok ? documentsAtDone : reducer.documents, sweeps };
}

export interface BaselineSessionOptions {
  bundle: string;
  target: Target;
  timeoutMs: number;
}

/** Runs the baseline crawler's bundle until it has written its checkpoint (its whole capture). */
export async function runBaselineSession(options: BaselineSessionOptions): Promise<SessionOutcome> {
  const reducer = createCaptureReducer(FLOOR_STREAMS);
  const run = await runChild({
    command: process.execPath,
    args: [options.bundle],
    env: baseEnv({
      NOTION_API_BASE_URL: options.target.url,
      BENCH_NOTION_TOKEN: options.target.token,
      BENCH_TIME_SCALE: String(options.target.timeScale),
    }),
    onMessage: (message) => reducer.apply(message),
    isDone: () => reducer.checkpoints > 0,
    timeoutMs: options.timeoutMs,
  });
  return { run, reducer, documentsAtDone: reducer.documents, sweeps: {} };
}
