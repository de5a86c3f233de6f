import type { ServerResponse } from 'node:http';
import { createLogger, type Logger } from '../logger.js';
import { createNotionClient, type NotionClient, type NotionClientOptions } from '../notion-client.js';
import { createRateLimiter } from '../rate-limiter.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';
import {
  type RecordedRequest,
  sendJson,
  startTestServer,
  type TestHandler,
  type TestServer,
} from './http-test-server.js';

// What the Notion client's tests share: a client on a fake clock against a scripted local server.
// Each test file calls `afterEach(closeClientHarnesses)`.

export const TOKEN = 'client-test-token-0f1e2d3c4b5a';
export const ME = { object: 'user', id: 'bot-1', type: 'bot', request_id: 'req-ok' };

const cleanups: (() => Promise<void>)[] = [];

/** Runs `cleanup` at the end of the current test (closeClientHarnesses), last registered first. */
export function onCleanup(...cleanup: (() => Promise<void>)[]): void {
  cleanups.push(...cleanup);
}

export async function closeClientHarnesses(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export interface ClientHarness {
  server: TestServer;
  client: NotionClient;
  clock: FakeClock;
  /** The client's log lines (level debug). */
  lines: string[];
  /** Drives `promise` on the fake clock, jumping time only while no request is on the wire. */
  run<T>(promise: Promise<T>): Promise<T>;
}

export async function clientHarness(
  handler: TestHandler,
  options: Partial<NotionClientOptions> = {},
): Promise<ClientHarness> {
  const clock = createFakeClock(Date.UTC(2025, 5, 1));
  const server = await startTestServer(handler, clock.now);
  const lines: string[] = [];
  const logger: Logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  const limiter = createRateLimiter({ requestsPerMinute: 1_000, maxInFlight: 8, clock, logger });
  const client = createNotionClient({
    token: TOKEN,
    notionVersion: '2025-09-03',
    baseUrl: server.url,
    logger,
    clock,
    limiter,
    retry: { random: () => 0.5 },
    ...options,
  });
  onCleanup(
    () => server.close(),
    () => client.close(),
  );
  return {
    server,
    client,
    clock,
    lines,
    // Fake time may jump only while no real request is on the wire.
    run: (promise) => clock.runUntil(promise, { idle: () => client.limiter.stats().inFlight === 0 }),
  };
}

export const me = (client: NotionClient) => client.call('users.me', (sdk) => sdk.users.me({}));

export type ScriptStep = (request: RecordedRequest, response: ServerResponse) => void;

/** Answers each request with the next scripted step, then with the last one. */
export function script(...steps: ScriptStep[]): TestHandler {
  let index = 0;
  return (request, response) => {
    const step = steps[Math.min(index++, steps.length - 1)]!;
    step(request, response);
  };
}

/** Answers users.me. */
export const ok: ScriptStep = (_, response) => sendJson(response, 200, ME);
