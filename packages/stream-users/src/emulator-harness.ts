// Test support (used by this package's tests only): an emulator plus a StreamContext talking to it.
import {
  type Clock,
  createLogger,
  createNotionClient,
  createRateLimiter,
  createSystemClock,
  type NotionClient,
  parseEndpointConfig,
  type StreamContext,
  type StreamProgress,
} from '@source-notion/core';
import { type Emulator, type EmulatorOptions, startEmulator } from '@source-notion/notion-emulator';

/** Emulated start of every test: on a minute boundary, so a test's edits all fall in one minute. */
export const TEST_START = Date.UTC(2025, 5, 2, 12, 0, 0);
const HOUR = 3_600_000;

export interface TestEnvironment {
  emulator: Emulator;
  /** A context whose clock is the emulator's plus `clockOffsetMs` (tests move time forward with it). */
  context(options?: { token?: string }): StreamContext;
  clockOffsetMs: number;
  logs: { level: string; msg: string; fields?: Record<string, unknown> }[];
  progress: StreamProgress[];
  close(): Promise<void>;
}

export async function startTestEnvironment(
  options: EmulatorOptions & { seed?: number } = {},
): Promise<TestEnvironment> {
  const emulator = await startEmulator({
    workspace: { seed: options.seed ?? 7, size: 'tiny', now: TEST_START - HOUR },
    rpm: null,
    latency: false,
    startTime: TEST_START,
    host: '127.0.0.1',
    ...options,
  });
  const clients: NotionClient[] = [];
  const logs: TestEnvironment['logs'] = [];
  const progress: StreamProgress[] = [];
  const logger = createLogger({
    level: 'debug',
    write: (line) => {
      logs.push(JSON.parse(line) as TestEnvironment['logs'][number]);
    },
  });
  const env: TestEnvironment = {
    emulator,
    clockOffsetMs: 0,
    logs,
    progress,
    context: (contextOptions = {}) => {
      const token = contextOptions.token ?? emulator.token;
      const realClock = createSystemClock();
      const notion = createNotionClient({
        token,
        notionVersion: '2025-09-03',
        baseUrl: emulator.url,
        logger,
        clock: realClock,
        limiter: createRateLimiter({ requestsPerMinute: 100_000, maxInFlight: 32, clock: realClock }),
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      });
      clients.push(notion);
      const clock: Clock = { now: () => emulator.now() + env.clockOffsetMs, sleep: realClock.sleep };
      const config = parseEndpointConfig({ credentials: { auth_type: 'token', token } });
      return {
        notion,
        logger,
        config,
        clock,
        signal: new AbortController().signal,
        progress: (p) => {
          progress.push(p);
        },
      };
    },
    close: async () => {
      await Promise.all(clients.map((client) => client.close()));
      await emulator.close();
    },
  };
  return env;
}
