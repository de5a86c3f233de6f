import type { IncomingHttpHeaders } from 'node:http';
import {
  APIResponseError,
  Client,
  isHTTPResponseError,
  RequestTimeoutError,
  LogLevel as SdkLogLevel,
  UnknownHTTPResponseError,
} from '@notionhq/client';
import { Agent, type Dispatcher } from 'undici';
import { type Clock, createSystemClock } from './clock.js';
import type { NotionVersion } from './config.js';
import { ConnectorError, isNotionErrorCode, NetworkError, NotionApiError } from './errors.js';
import { type LogFields, type Logger, registerSecret } from './logger.js';
import { type RateLimiter, sharedRateLimiter } from './rate-limiter.js';
import {
  backoffDelay,
  DEFAULT_RETRY,
  isRetryableError,
  parseRetryAfter,
  type RetryOptions,
} from './retry.js';

export const DEFAULT_NOTION_BASE_URL = 'https://api.notion.com';

export interface NotionClientTimeouts {
  /** TCP + TLS connect. Default 10 s. */
  connectMs?: number;
  /** Until response headers arrive. Default 70 s (Notion itself gives up after 60 s). */
  headersMs?: number;
  /** Longest silence while reading a body. Default 30 s. */
  bodyMs?: number;
}

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

export interface NotionCallOptions {
  signal?: AbortSignal;
}

export interface NotionClient {
  /** @notionhq/client with its retry off, its logs routed to ours and every HTTP attempt through the limiter. */
  readonly sdk: Client;
  readonly limiter: RateLimiter;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly baseUrl: string;
  /**
   * Runs `fn` with core's retry policy; every failure becomes a NotionApiError, NetworkError or
   * ConnectorError. 429/529 pause the shared limiter for Retry-After before the retry.
   */
  call<T>(operation: string, fn: (sdk: Client) => Promise<T>, options?: NotionCallOptions): Promise<T>;
  close(): Promise<void>;
}

/** What one call() knows while its attempts run (the SDK does not pass anything through). */
interface CallContext {
  operation: string;
  attempt: number;
  signal: AbortSignal | undefined;
  method?: string;
  path?: string;
}

/** The response our fetch hands the SDK: the body already read (inside the limiter slot). */
interface BufferedResponse {
  ok: boolean;
  status: number;
  headers: ResponseHeaders;
  body: null;
  text: () => Promise<string>;
}

/** The `get` of the Fetch API's Headers, which is all the SDK and our error handling read. */
class ResponseHeaders {
  readonly #raw: IncomingHttpHeaders;
  constructor(raw: IncomingHttpHeaders) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

const RATE_LIMIT_STATUSES = new Set([429, 529]);
const REQUEST_BLOCKED = 'public_api_request_blocked';
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
  const retry = { ...DEFAULT_RETRY, maxRateLimitRetries: 30, ...options.retry };
  const timeouts = { connectMs: 10_000, headersMs: 70_000, bodyMs: 30_000, ...options.timeouts };

  const factory: (() => Dispatcher) | undefined =
    options.dispatcher === undefined
      ? () =>
          new Agent({
            connections: maxInFlight,
            pipelining: 1,
            keepAliveTimeout: 30_000,
            keepAliveMaxTimeout: 60_000,
            connect: { timeout: timeouts.connectMs },
            headersTimeout: timeouts.headersMs,
            bodyTimeout: timeouts.bodyMs,
          })
      : typeof options.dispatcher === 'function'
        ? options.dispatcher
        : undefined;
  let dispatcher: Dispatcher = factory ? factory() : (options.dispatcher as Dispatcher);
  let closed = false;

  /** Drops the connection pool for a new one, once per pool however many requests fail on it. */
  const freshConnections = (failed: Dispatcher, why: string) => {
    if (factory === undefined || failed !== dispatcher || closed) return;
    dispatcher = factory();
    logger.debug('opening fresh Notion connections', { reason: why });
    failed.close().catch(() => {});
  };

  /**
   * The call() whose SDK method is running. The SDK calls its fetch synchronously inside the
   * method call (nothing is awaited before it), so call() sets this just before invoking the
   * method and the transport takes it on entry: per-call context without async hooks, which
   * would cost every promise in the process.
   */
  let handoff: CallContext | undefined;

  const transport = async (
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
  ) => {
    const ctx = handoff;
    handoff = undefined;
    const signal = ctx?.signal;
    const method = (init.method ?? 'GET').toUpperCase();
    const target = new URL(url);
    const path = target.pathname;
    if (ctx !== undefined) {
      ctx.method = method;
      ctx.path = path;
    }
    if (closed) throw new ConnectorError(`${method} ${path}: the Notion client is closed`);
    const release = await limiter.acquire(signal);
    const started = clock.now();
    const used = dispatcher;
    const own = followSignal(signal);
    try {
      let response: Dispatcher.ResponseData;
      try {
        // undici's request API, not fetch: a fraction of the CPU per request. It gets a signal of
        // its own (see followSignal) so that nothing stays on the caller's long-lived one.
        response = await used.request({
          origin: target.origin,
          path: `${path}${target.search}`,
          method: method as Dispatcher.HttpMethod,
          headers: init.headers,
          body: init.body as string | undefined,
          signal: own.signal,
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        freshConnections(used, 'request failed');
        throw new NetworkError(`${method} ${path}: ${describeNetworkError(error)}`, { cause: error });
      }
      let text: string;
      try {
        text = await response.body.text();
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        freshConnections(used, 'body interrupted');
        throw new NetworkError(
          `${method} ${path}: response body interrupted (${describeNetworkError(error)})`,
          {
            cause: error,
          },
        );
      }
      const status = response.statusCode;
      const headers = new ResponseHeaders(response.headers);
      if (status === 502) freshConnections(used, '502 bad gateway');
      logger.debug('notion request', {
        operation: ctx?.operation,
        method,
        path,
        status,
        attempt: ctx?.attempt ?? 1,
        ms: clock.now() - started,
        requestId: headers.get('x-notion-request-id') ?? undefined,
      });
      const buffered: BufferedResponse = {
        ok: status >= 200 && status < 300,
        status,
        headers,
        body: null,
        text: async () => text,
      };
      return buffered;
    } finally {
      own.unfollow();
      release();
    }
  };

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
    fetch: transport as unknown as NonNullable<ConstructorParameters<typeof Client>[0]>['fetch'],
  });

  const call = async <T>(
    operation: string,
    fn: (sdk: Client) => Promise<T>,
    callOptions: NotionCallOptions = {},
  ): Promise<T> => {
    const signal = callOptions.signal;
    let failures = 0;
    let rateLimits = 0;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw signal.reason;
      const ctx: CallContext = { operation, attempt, signal };
      let error: ConnectorError;
      try {
        let pending: Promise<T>;
        handoff = ctx;
        try {
          pending = fn(sdk);
        } finally {
          handoff = undefined;
        }
        return await pending;
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
        const retryAfter = retryAfterOf(raw(error), error, clock.now()) ?? backoffDelay(rateLimits, retry);
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
        const asked =
          error instanceof NotionApiError ? retryAfterOf(raw(error), error, clock.now()) : undefined;
        delayMs = Math.max(backoffDelay(failures, retry), asked ?? 0);
      }
      limiter.noteRetry();
      logger.warn(retryMessage(operation, error, fields.retryAfterMs ?? delayMs), { ...fields, delayMs });
      if (delayMs > 0) await clock.sleep(delayMs, signal);
    }
  };

  return {
    sdk,
    limiter,
    logger,
    clock,
    baseUrl,
    call,
    async close() {
      if (closed) return;
      closed = true;
      if (factory !== undefined) await dispatcher.close();
    },
  };
}

/**
 * A signal for one request that aborts (with the same reason) when `outer` does. undici takes its
 * abort listener off a request's signal only when the response body closes, a macrotask after the
 * body was read; `unfollow()` takes ours off `outer` at once, so the caller's long-lived signal
 * carries no listener of a request that has settled.
 */
function followSignal(outer: AbortSignal | undefined): {
  signal: AbortSignal | undefined;
  unfollow: () => void;
} {
  if (outer === undefined) return { signal: undefined, unfollow: () => {} };
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer.reason);
  if (outer.aborted) onAbort();
  else outer.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, unfollow: () => outer.removeEventListener('abort', onAbort) };
}

/** The original SDK error behind a NotionApiError, when there is one. */
function raw(error: NotionApiError): unknown {
  return error.cause;
}

function retryAfterOf(cause: unknown, error: NotionApiError, now: number): number | undefined {
  const header = isHTTPResponseError(cause) ? headerOf(cause.headers, 'retry-after') : undefined;
  return parseRetryAfter(
    header,
    error.additionalData ? { additional_data: error.additionalData } : undefined,
    now,
  );
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (typeof headers === 'object' && headers !== null && typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  return undefined;
}

/** Converts anything a call can throw into a connector error (never losing the cause). */
export function toConnectorError(error: unknown, operation: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (error instanceof APIResponseError) {
    const additionalData =
      typeof error.additional_data === 'object' && error.additional_data !== null
        ? (error.additional_data as Record<string, unknown>)
        : undefined;
    const blocked = additionalData?.rate_limit_reason === REQUEST_BLOCKED;
    return new NotionApiError({
      status: error.status,
      code: isNotionErrorCode(error.code) ? error.code : undefined,
      requestId: error.request_id ?? undefined,
      operation,
      additionalData,
      detail: blocked
        ? `Notion blocked this integration's requests (${REQUEST_BLOCKED}); retrying will not help: ${error.message}`
        : error.message,
      isRetryable: blocked ? false : undefined,
      cause: error,
    });
  }
  if (error instanceof UnknownHTTPResponseError) {
    const contentType = headerOf(error.headers, 'content-type');
    return new NotionApiError({
      status: error.status,
      requestId: headerOf(error.headers, 'x-notion-request-id') ?? error.request_id ?? undefined,
      operation,
      detail: `not a Notion error body${contentType ? ` (${contentType})` : ''}: ${excerpt(error.body)}`,
      cause: error,
    });
  }
  if (error instanceof RequestTimeoutError) {
    return new NetworkError(`${operation}: request timed out`, { cause: error });
  }
  if (error instanceof SyntaxError) {
    return new NetworkError(`${operation}: response body is not valid JSON (truncated?)`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError(`${operation}: ${message}`, { cause: error });
}

/** A short, single-line, tag-free excerpt of a (possibly HTML) body. */
function excerpt(body: string): string {
  const text = body
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || '(empty body)';
}

function describeNetworkError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} [${code}]` : current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(error);
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
