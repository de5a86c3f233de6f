import type { Client } from '@notionhq/client';
import type { Clock } from '../clock.js';
import { type EndpointConfig, parseEndpointConfig } from '../config.js';
import { createSilentLogger, type Logger } from '../logger.js';
import type { NotionClient } from '../notion-client.js';
import { createRateLimiter } from '../rate-limiter.js';
import { type RecordingStreamContext, recordingStreamContext } from './recording-context.js';

export interface FakeStreamContextOptions {
  /**
   * Stands in for `@notionhq/client`: only the methods the code under test calls (e.g.
   * `{ search: async () => ({...}), dataSources: { retrieve: async () => ({...}) } }`). Throw
   * NotionApiError from it to answer with a Notion error.
   */
  sdk: object;
  logger?: Logger;
  /** The context's time (epoch ms), fixed. Default 2025-03-01T00:00:00Z. */
  now?: number;
  /** Merged into the endpoint config (e.g. `{ start_date }`). */
  config?: Record<string, unknown>;
}

export type FakeStreamContext = RecordingStreamContext;

/**
 * A StreamContext without HTTP: `notion.call(operation, fn)` runs `fn` against the fake `sdk`
 * directly (no retries; a limiter slot is held around it so `limiter.stats()` counts calls in
 * flight). For what a local server cannot produce; prefer createStreamTestContext against one.
 */
export function createFakeStreamContext(options: FakeStreamContextOptions): FakeStreamContext {
  const now = options.now ?? Date.UTC(2025, 2, 1);
  const clock: Clock = { now: () => now, sleep: async () => {} };
  const logger = options.logger ?? createSilentLogger();
  const config: EndpointConfig = parseEndpointConfig(
    { credentials: { auth_type: 'token', token: 'fake-stream-context' }, ...options.config },
    { now: new Date(now) },
  );
  const sdk = options.sdk as Client;
  const limiter = createRateLimiter({ requestsPerMinute: 1_000_000, clock, logger });
  const notion: NotionClient = {
    sdk,
    limiter,
    logger,
    clock,
    baseUrl: 'http://fake-notion.invalid',
    async call(_operation, fn, callOptions) {
      const release = await limiter.acquire(callOptions?.signal);
      try {
        return await fn(sdk);
      } finally {
        release();
      }
    },
    close: async () => {},
  };
  return recordingStreamContext({ notion, logger, config, clock });
}
