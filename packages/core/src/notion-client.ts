import { Client, LogLevel as SdkLogLevel } from '@notionhq/client';
import type { Dispatcher } from 'undici';
import { type Clock, createSystemClock } from './clock.js';
import type { NotionVersion } from './config.js';
import { type LogFields, type Logger, registerSecret } from './logger.js';
import { createRetryingCall, type NotionCallOptions } from './notion-client-retry.js';
import {
  createNotionTransport,
  DEFAULT_TIMEOUTS,
  type NotionClientTimeouts,
} from './notion-client-transport.js';
import { type RateLimiter, sharedRateLimiter } from './rate-limiter.js';
import { DEFAULT_RETRY, type RetryOptions } from './retry.js';

// The Notion client: the SDK on our transport (notion-client-transport.ts), every call through
// core's retry loop (notion-client-retry.ts), every failure a connector error
// (notion-client-errors.ts).

export type { NotionCallOptions } from './notion-client-retry.js';

export const DEFAULT_NOTION_BASE_URL = 'https://api.notion.com';

export interface NotionClientOptions {
  token: string;
  notionVersion: NotionVersion;
  /** Default: NOTION_API_BASE_URL, else https://api.notion.com. */
  baseUrl?: string;
  logger: Logger;
  clock?: Clock;
  /** Default: the process-wide limiter of this token (sharedRateLimiter). */
  limiter?: RateLimiter;
  /** Budget of the default limiter. Default 180. */
  requestsPerMinute?: number;
  /** Bound on requests in flight (limiter and connection pool). Default 32. */
  maxInFlight?: number;
  timeouts?: NotionClientTimeouts;
  retry?: RetryOptions & {
    /** Retries of 429/529 answers, counted apart from other failures. Default 30. */
    maxRateLimitRetries?: number;
  };
  /**
   * The HTTP transport. A factory is called again for a fresh connection pool after a 502 or a
   * connection reset (the old pool drains and closes); a dispatcher instance is used as is (for
   * tests: undici's MockAgent) and never closed by the client. Default: an undici Agent with
   * keep-alive, `maxInFlight` connections per origin and the timeouts above.
   */
  dispatcher?: Dispatcher | (() => Dispatcher);
  /** Where NOTION_API_BASE_URL is read. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface NotionClient {
  /** @notionhq/client with its retry off, its logs routed to ours and every HTTP attempt through the limiter. */
  readonly sdk: Client;
  readonly limiter: RateLimiter;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly baseUrl: string;
  /** The Notion-Version every request sends (absent on test doubles: treat as the default). */
  readonly notionVersion?: NotionVersion | undefined;
  /**
   * Runs `fn` with core's retry policy; every failure becomes a NotionApiError, NetworkError or
   * ConnectorError. 429/529 pause the shared limiter for Retry-After before the retry.
   */
  call<T>(operation: string, fn: (sdk: Client) => Promise<T>, options?: NotionCallOptions): Promise<T>;
  close(): Promise<void>;
}

/** Longer than any wait: the SDK's own timeout must never fire (ours are on the socket). */
const SDK_TIMEOUT_MS = 2_147_483_647;

export function createNotionClient(options: NotionClientOptions): NotionClient {
  registerSecret(options.token);
  const clock = options.clock ?? createSystemClock();
  const logger = options.logger;
  const env = options.env ?? process.env;
  const baseUrl = (options.baseUrl ?? env.NOTION_API_BASE_URL ?? DEFAULT_NOTION_BASE_URL).replace(/\/+$/, '');
  const maxInFlight = options.maxInFlight ?? 32;
  const limiter =
    options.limiter ??
    sharedRateLimiter(options.token, {
      requestsPerMinute: options.requestsPerMinute ?? 180,
      maxInFlight,
      clock,
      logger,
    });
  const transport = createNotionTransport({
    limiter,
    logger,
    clock,
    maxInFlight,
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    dispatcher: options.dispatcher,
  });
  const sdk = new Client({
    auth: options.token,
    baseUrl,
    notionVersion: options.notionVersion,
    retry: false,
    timeoutMs: SDK_TIMEOUT_MS,
    logLevel: SdkLogLevel.WARN,
    logger: (level, message, extraInfo) => {
      const fields: LogFields = { source: '@notionhq/client', ...extraInfo };
      // Failures are reported by call() with more context; the SDK's own line is detail.
      if (message === 'request fail' || level === SdkLogLevel.DEBUG || level === SdkLogLevel.INFO) {
        logger.debug(message, fields);
      } else if (level === SdkLogLevel.WARN) logger.warn(message, fields);
      else logger.error(message, fields);
    },
    fetch: transport.fetch,
  });
  const call = createRetryingCall({
    sdk,
    transport,
    limiter,
    logger,
    clock,
    retry: { ...DEFAULT_RETRY, maxRateLimitRetries: 30, ...options.retry },
  });

  return {
    sdk,
    limiter,
    logger,
    clock,
    baseUrl,
    notionVersion: options.notionVersion,
    call,
    close: () => transport.close(),
  };
}
