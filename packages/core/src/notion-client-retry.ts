import { type Client, isHTTPResponseError } from '@notionhq/client';
import type { Clock } from './clock.js';
import { type ConnectorError, NotionApiError } from './errors.js';
import type { LogFields, Logger } from './logger.js';
import { headerOf, toConnectorError } from './notion-client-errors.js';
import type { NotionTransport, RequestContext } from './notion-client-transport.js';
import type { RateLimiter } from './rate-limiter.js';
import { backoffDelay, isRetryableError, parseRetryAfter, type RetryOptions } from './retry.js';

// The call of the Notion client and its retry loop: core's retry policy around an SDK method,
// 429/529 pausing the shared limiter for Retry-After, other failures backing off on their own.

export interface NotionCallOptions {
  signal?: AbortSignal;
}

/** The retry policy of a client: RetryOptions resolved, plus the budget of 429/529 retries. */
export type NotionRetryPolicy = Required<RetryOptions> & {
  /** Retries of 429/529 answers, counted apart from other failures. */
  maxRateLimitRetries: number;
};

export interface RetryingCallOptions {
  sdk: Client;
  transport: Pick<NotionTransport, 'handOff'>;
  limiter: RateLimiter;
  logger: Logger;
  clock: Clock;
  retry: NotionRetryPolicy;
}

/** NotionClient.call. */
export type RetryingCall = <T>(
  operation: string,
  fn: (sdk: Client) => Promise<T>,
  options?: NotionCallOptions,
) => Promise<T>;

const RATE_LIMIT_STATUSES = new Set([429, 529]);

export function createRetryingCall(options: RetryingCallOptions): RetryingCall {
  const { sdk, transport, limiter, logger, clock, retry } = options;
  return async <T>(
    operation: string,
    fn: (sdk: Client) => Promise<T>,
    callOptions: NotionCallOptions = {},
  ): Promise<T> => {
    const signal = callOptions.signal;
    let failures = 0;
    let rateLimits = 0;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw signal.reason;
      const ctx: RequestContext = { operation, attempt, signal };
      let error: ConnectorError;
      try {
        return await transport.handOff(ctx, () => fn(sdk));
      } catch (raw) {
        if (signal?.aborted) throw signal.reason;
        error = toConnectorError(raw, operation);
      }
      const fields: LogFields = {
        operation,
        method: ctx.method,
        path: ctx.path,
        attempt,
        ...(error instanceof NotionApiError
          ? { status: error.status, code: error.code, requestId: error.requestId }
          : { error: error.message }),
      };
      if (!isRetryableError(error)) throw error;

      let delayMs: number;
      if (error instanceof NotionApiError && RATE_LIMIT_STATUSES.has(error.status)) {
        rateLimits++;
        const code = error.status === 529 ? 'service_overload' : 'rate_limited';
        limiter.noteRateLimited(code);
        if (rateLimits > retry.maxRateLimitRetries) {
          logger.warn('giving up on Notion request', { ...fields, rateLimits });
          throw error;
        }
        const retryAfter = retryAfterOf(error, clock.now()) ?? backoffDelay(rateLimits, retry);
        // Everyone waits: the limiter holds every acquire until the pause is over.
        limiter.pause(retryAfter, `${error.status} ${error.rateLimitReason ?? code}`);
        delayMs = 0;
        fields.retryAfterMs = retryAfter;
      } else {
        failures++;
        limiter.noteError(error instanceof NotionApiError ? 'server' : 'network');
        if (failures >= retry.maxAttempts) {
          logger.warn('giving up on Notion request', { ...fields, failures });
          throw error;
        }
        // A 503 may say when to come back: honour it for this request (only 429/529 pause everyone).
        const asked = error instanceof NotionApiError ? retryAfterOf(error, clock.now()) : undefined;
        delayMs = Math.max(backoffDelay(failures, retry), asked ?? 0);
      }
      limiter.noteRetry();
      logger.warn(retryMessage(operation, error, fields.retryAfterMs ?? delayMs), { ...fields, delayMs });
      if (delayMs > 0) await clock.sleep(delayMs, signal);
    }
  };
}

/** The wait a Notion error asks for: its Retry-After header, else additional_data.retry_after. */
function retryAfterOf(error: NotionApiError, now: number): number | undefined {
  // The original SDK error (the cause) carries the response headers.
  const header = isHTTPResponseError(error.cause) ? headerOf(error.cause.headers, 'retry-after') : undefined;
  return parseRetryAfter(
    header,
    error.additionalData ? { additional_data: error.additionalData } : undefined,
    now,
  );
}

/** A retry log line a person understands: what failed, why, and how long we wait. */
function retryMessage(operation: string, error: Error, waitMs: unknown): string {
  const cause =
    error instanceof NotionApiError
      ? `${error.status}${error.code ? ` ${error.code}` : ''}${error.rateLimitReason ? ` (${error.rateLimitReason})` : ''}`
      : error.message;
  const wait = typeof waitMs === 'number' ? ` after ${(waitMs / 1000).toFixed(1)} s` : '';
  return `retrying ${operation}${wait}: ${cause}`;
}
