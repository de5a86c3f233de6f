import type { Dispatcher } from 'undici';

// nock 14 intercepts the global `fetch` only; core's transport calls undici's `request` API on a
// connection pool, which goes straight to a socket (past nock, and past nock.disableNetConnect).
// This dispatcher is what core's NotionClient takes instead of its pool: it turns each `request`
// of the transport into a global `fetch`, so everything above the socket (the SDK, core's
// transport, limiter, retries and error mapping) runs as in production and nock answers.

/** What core's transport passes to `Dispatcher.request` (see notion-client-transport.ts). */
interface TransportRequest {
  origin?: string | URL;
  path: string;
  method: string;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** The part of undici's ResponseData the transport reads. */
interface FetchedResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: { text(): Promise<string> };
}

/**
 * A Dispatcher whose `request` sends the request through the global `fetch`. Only `request` (the
 * one method core's transport calls) is implemented, and `close`/`destroy` (which a caller may
 * call on an instance it owns); any other method is absent, so a transport that starts using one
 * fails loudly here rather than reaching the network.
 */
export function createFetchDispatcher(): Dispatcher {
  const dispatcher = {
    async request(options: TransportRequest): Promise<FetchedResponse> {
      const url = new URL(options.path, options.origin);
      const response = await fetch(url, {
        method: options.method,
        ...(options.headers === undefined ? {} : { headers: options.headers }),
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      return { statusCode: response.status, headers, body: { text: () => response.text() } };
    },
    close: async () => {},
    destroy: async () => {},
  };
  return dispatcher as unknown as Dispatcher;
}
