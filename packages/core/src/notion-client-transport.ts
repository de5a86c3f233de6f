import type { IncomingHttpHeaders } from 'node:http';
import type { Client } from '@notionhq/client';
import { Agent, type Dispatcher } from 'undici';
import type { Clock } from './clock.js';
import { ConnectorError, NetworkError } from './errors.js';
import type { Logger } from './logger.js';
import { describeNetworkError } from './notion-client-errors.js';
import type { RateLimiter } from './rate-limiter.js';

// Transport of the Notion client: the fetch the SDK calls, on an undici connection pool, one
// limiter slot per HTTP attempt, a fresh pool after a 502 or a connection reset.

export interface NotionClientTimeouts {
  /** TCP + TLS connect. Default 10 s. */
  connectMs?: number;
  /** Until response headers arrive. Default 70 s (Notion itself gives up after 60 s). */
  headersMs?: number;
  /** Longest silence while reading a body. Default 30 s. */
  bodyMs?: number;
}

export const DEFAULT_TIMEOUTS: Required<NotionClientTimeouts> = {
  connectMs: 10_000,
  headersMs: 70_000,
  bodyMs: 30_000,
};

/** What one call() knows while its attempts run (the SDK does not pass anything through). */
export interface RequestContext {
  operation: string;
  attempt: number;
  signal: AbortSignal | undefined;
  /** Set by the transport when the SDK's request reaches it. */
  method?: string;
  path?: string;
}

export interface NotionTransportOptions {
  limiter: RateLimiter;
  logger: Logger;
  clock: Clock;
  /** Connections per origin of the default pool. */
  maxInFlight: number;
  timeouts: Required<NotionClientTimeouts>;
  /** See NotionClientOptions.dispatcher. */
  dispatcher?: Dispatcher | (() => Dispatcher) | undefined;
}

/** The `fetch` option of the SDK's Client. */
export type SdkFetch = NonNullable<NonNullable<ConstructorParameters<typeof Client>[0]>['fetch']>;

export interface NotionTransport {
  /** For the SDK: one HTTP attempt, its body read inside the limiter slot. */
  readonly fetch: SdkFetch;
  /**
   * Runs `start`, handing `context` to the request it makes. The SDK calls its fetch synchronously
   * inside a method call (nothing is awaited before it), so the transport takes the context on
   * entry: per-call context without async hooks, which would cost every promise in the process.
   */
  handOff<T>(context: RequestContext, start: () => T): T;
  /** Fails every later request; closes the pool unless the dispatcher was given as an instance. */
  close(): Promise<void>;
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

export function createNotionTransport(options: NotionTransportOptions): NotionTransport {
  const { limiter, logger, clock, timeouts } = options;
  const factory: (() => Dispatcher) | undefined =
    options.dispatcher === undefined
      ? () =>
          new Agent({
            connections: options.maxInFlight,
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
  let handoff: RequestContext | undefined;

  /** Drops the connection pool for a new one, once per pool however many requests fail on it. */
  const freshConnections = (failed: Dispatcher, why: string) => {
    if (factory === undefined || failed !== dispatcher || closed) return;
    dispatcher = factory();
    logger.debug('opening fresh Notion connections', { reason: why });
    failed.close().catch(() => {});
  };

  const fetch = async (
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<BufferedResponse> => {
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
      return {
        ok: status >= 200 && status < 300,
        status,
        headers,
        body: null,
        text: async () => text,
      };
    } finally {
      own.unfollow();
      release();
    }
  };

  return {
    fetch: fetch as unknown as SdkFetch,
    handOff(context, start) {
      handoff = context;
      try {
        return start();
      } finally {
        handoff = undefined;
      }
    },
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
