// What the suite sends the connector as the Flow runtime would: the endpoint config, the open
// request with one binding per stream, and the environment of the process.
import { STREAMS } from './streams.js';

export function endpointConfig(token: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    credentials: { auth_type: 'token', token },
    start_date: '2000-01-01T00:00:00Z',
    advanced: { requests_per_minute: 10_000 },
    ...extra,
  };
}

export interface OpenOptions {
  config: Record<string, unknown>;
  state: unknown;
  streams?: readonly string[];
  /** Per-binding interval (resource config); default PT5M. */
  interval?: string;
  /** stateKey of each binding; default the stream name. */
  stateKey?: (stream: string, index: number) => string;
}

export function openRequest(options: OpenOptions): Record<string, unknown> {
  const streams = options.streams ?? STREAMS;
  return {
    open: {
      capture: {
        name: 'acmeCo/notion',
        connectorType: 'IMAGE',
        config: options.config,
        intervalSeconds: 300,
        bindings: streams.map((stream, index) => ({
          resourceConfig: {
            stream,
            syncMode: 'incremental',
            ...(options.interval ? { interval: options.interval } : {}),
          },
          resourcePath: [stream],
          collection: { name: `acmeCo/${stream}`, key: ['/id'], projections: [], writeSchema: {} },
          backfill: 0,
          stateKey: options.stateKey?.(stream, index) ?? stream,
        })),
      },
      version: 'reliability',
      range: { keyBegin: 0, keyEnd: 4294967295, rClockBegin: 0, rClockEnd: 4294967295 },
      state: options.state ?? {},
    },
  };
}

/** The environment the runtime gives the connector: nothing inherited from the test process. */
export function connectorEnv(url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    NOTION_API_BASE_URL: url,
    LOG_LEVEL: 'debug',
    SOURCE_NOTION_STATUS_INTERVAL_MS: '200',
    ...extra,
  };
}
