import { getEventListeners } from 'node:events';
import { Agent, MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError, NetworkError, NotionApiError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { createNotionClient, type NotionClient, type NotionClientOptions } from './notion-client.js';
import { createRateLimiter } from './rate-limiter.js';
import { createFakeClock, type FakeClock } from './testing/fake-clock.js';
import {
  notionError,
  type RecordedRequest,
  sendJson,
  startTestServer,
  type TestHandler,
  type TestServer,
} from './testing/http-test-server.js';

const TOKEN = 'client-test-token-0f1e2d3c4b5a';
const ME = { object: 'user', id: 'bot-1', type: 'bot', request_id: 'req-ok' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Harness {
  server: TestServer;
  client: NotionClient;
  clock: FakeClock;
  lines: string[];
  run<T>(promise: Promise<T>): Promise<T>;
}

async function harness(handler: TestHandler, options: Partial<NotionClientOptions> = {}): Promise<Harness> {
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
  cleanups.push(
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

const me = (client: NotionClient) => client.call('users.me', (sdk) => sdk.users.me({}));

/** Answers each request with the next scripted handler, then with the last one. */
function script(
  ...steps: ((request: RecordedRequest, response: import('node:http').ServerResponse) => void)[]
) {
  let index = 0;
  const handler: TestHandler = (request, response) => {
    const step = steps[Math.min(index++, steps.length - 1)]!;
    step(request, response);
  };
  return handler;
}

const ok = (_: RecordedRequest, response: import('node:http').ServerResponse) => sendJson(response, 200, ME);

describe('createNotionClient: requests', () => {
  it('sends the token, version and method to the base URL and returns the body', async () => {
    const { server, client, run } = await harness(ok);
    await expect(run(me(client))).resolves.toMatchObject({ id: 'bot-1' });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'GET', path: '/v1/users/me' });
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request!.headers['notion-version']).toBe('2025-09-03');
    expect(client.limiter.stats()).toMatchObject({ requests: 1, retries: 0, inFlight: 0 });
  });

  it('takes the base URL from NOTION_API_BASE_URL', async () => {
    const server = await startTestServer(ok);
    cleanups.push(() => server.close());
    const client = createNotionClient({
      token: TOKEN,
      notionVersion: '2026-03-11',
      logger: createLogger({ write: () => {} }),
      limiter: createRateLimiter({ requestsPerMinute: 100 }),
      env: { NOTION_API_BASE_URL: `${server.url}/` },
    });
    cleanups.push(() => client.close());
    expect(client.baseUrl).toBe(server.url);
    await me(client);
    expect(server.requests[0]!.headers['notion-version']).toBe('2026-03-11');
  });

  it('keeps connections alive between requests', async () => {
    const { server, client, run } = await harness(ok);
    for (let i = 0; i < 6; i++) {
      await run(me(client));
      await new Promise((resolve) => setTimeout(resolve, 5)); // lets undici put the socket back
    }
    expect(server.requests).toHaveLength(6);
    expect(new Set(server.requests.map((r) => r.socket)).size).toBe(1);
  });

  it('accepts an injected dispatcher (undici MockAgent)', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('https://api.notion.test').intercept({ path: '/v1/users/me', method: 'GET' }).reply(200, ME);
    const clock = createFakeClock(0);
    const client = createNotionClient({
      token: TOKEN,
      notionVersion: '2025-09-03',
      baseUrl: 'https://api.notion.test',
      logger: createLogger({ write: () => {} }),
      clock,
      limiter: createRateLimiter({ requestsPerMinute: 10, clock }),
      dispatcher: agent,
    });
    await expect(me(client)).resolves.toMatchObject({ id: 'bot-1' });
    agent.assertNoPendingInterceptors();
    await client.close();
    await agent.close();
  });
});

describe('createNotionClient: retries', () => {
  it('pauses every concurrent request for Retry-After: 7 after a 429', async () => {
    let first = true;
    const h = await harness((_request, response) => {
      if (first) {
        first = false;
        sendJson(response, 429, notionError(429, 'rate_limited', 'Slow down.'), { 'retry-after': '7' });
        return;
      }
      sendJson(response, 200, ME);
    });
    const t0 = h.clock.now();
    const firstCall = me(h.client);
    // Wait (in real time, fake time frozen) until the 429 has paused the limiter.
    while (h.client.limiter.stats().rateLimited === 0) await new Promise((r) => setTimeout(r, 1));
    const others = [1, 2, 3, 4].map(() => me(h.client));
    await h.run(Promise.all([firstCall, ...others]));
    expect(h.server.requests).toHaveLength(6);
    expect(h.server.requests[0]!.at).toBe(t0);
    for (const request of h.server.requests.slice(1)) expect(request.at).toBe(t0 + 7_000);
    expect(h.client.limiter.stats()).toMatchObject({ rateLimited: 1, retries: 1, pausedMs: 7_000 });
    const retryLine = h.lines.map((l) => JSON.parse(l)).find((l) => l.msg.startsWith('retrying '));
    expect(retryLine.fields).toMatchObject({
      operation: 'users.me',
      method: 'GET',
      path: '/v1/users/me',
      status: 429,
      attempt: 1,
      retryAfterMs: 7_000,
      requestId: 'req-429-rate_limited',
    });
  });

  it('waits additional_data.retry_after when there is no header, with no low cap', async () => {
    const h = await harness(
      script(
        (_, res) =>
          sendJson(
            res,
            429,
            notionError(429, 'rate_limited', 'Workspace limit.', {
              additional_data: { rate_limit_reason: 'public_api_space_request_rate_limit', retry_after: 450 },
            }),
          ),
        ok,
      ),
    );
    const t0 = h.clock.now();
    await h.run(me(h.client));
    expect(h.server.requests.map((r) => r.at - t0)).toEqual([0, 450_000]);
  });

  it('treats 529 like 429', async () => {
    const h = await harness(
      script(
        (_, res) => sendJson(res, 529, notionError(529, 'service_overload', 'Busy.'), { 'retry-after': '3' }),
        ok,
      ),
    );
    const t0 = h.clock.now();
    await h.run(me(h.client));
    expect(h.server.requests.map((r) => r.at - t0)).toEqual([0, 3_000]);
    expect(h.client.limiter.stats()).toMatchObject({ overloaded: 1, rateLimited: 0 });
  });

  it('fails at once on public_api_request_blocked', async () => {
    const h = await harness((_, res) =>
      sendJson(
        res,
        429,
        notionError(429, 'rate_limited', 'Blocked.', {
          additional_data: { rate_limit_reason: 'public_api_request_blocked' },
        }),
        { 'retry-after': '60' },
      ),
    );
    const error = await h.run(me(h.client)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotionApiError);
    expect((error as NotionApiError).isRetryable).toBe(false);
    expect((error as NotionApiError).message).toContain('public_api_request_blocked');
    expect((error as NotionApiError).message).toContain('retrying will not help');
    expect(h.server.requests).toHaveLength(1);
  });

  it('retries a 502 HTML page on a fresh connection, then succeeds', async () => {
    let pools = 0;
    const h = await harness(
      script(
        ok,
        (_, res) => {
          res.writeHead(502, { 'content-type': 'text/html' });
          res.end(
            '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
          );
        },
        ok,
      ),
      {
        dispatcher: () => {
          pools++;
          return new Agent({ connections: 4 });
        },
      },
    );
    await h.run(me(h.client));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(pools).toBe(1);
    const t0 = h.clock.now();
    await expect(h.run(me(h.client))).resolves.toMatchObject({ id: 'bot-1' });
    expect(h.server.requests).toHaveLength(3);
    expect(pools).toBe(2);
    const [warm, bad, good] = h.server.requests;
    expect(bad!.socket).toBe(warm!.socket);
    expect(good!.socket).toBeGreaterThan(bad!.socket);
    // backoff: random 0.5 × base 500 ms
    expect(good!.at - t0).toBe(250);
    const retry = h.lines.map((l) => JSON.parse(l)).find((l) => l.msg.startsWith('retrying '));
    expect(retry.fields).toMatchObject({ status: 502, delayMs: 250, attempt: 1 });
  });

  it('surfaces an HTML error body as a readable NotionApiError when retries run out', async () => {
    const h = await harness(
      (_, res) => {
        res.writeHead(504, { 'content-type': 'text/html', 'x-notion-request-id': 'edge-1' });
        res.end('<html><body><h1>504 Gateway Time-out</h1></body></html>');
      },
      { retry: { maxAttempts: 3, random: () => 0 } },
    );
    const error = (await h.run(me(h.client)).catch((e: unknown) => e)) as NotionApiError;
    expect(error).toBeInstanceOf(NotionApiError);
    expect(error.status).toBe(504);
    expect(error.code).toBeUndefined();
    expect(error.requestId).toBe('edge-1');
    expect(error.message).toContain('504 Gateway Time-out');
    expect(error.message).not.toContain('<h1>');
    expect(h.server.requests).toHaveLength(3);
  });

  it.each([
    [409, 'conflict_error'],
    [500, 'internal_server_error'],
    [503, 'service_unavailable'],
    [504, 'gateway_timeout'],
  ])('retries %i %s', async (status, code) => {
    const h = await harness(
      script((_, res) => sendJson(res, status, notionError(status, code, 'Try again.')), ok),
    );
    await expect(h.run(me(h.client))).resolves.toMatchObject({ id: 'bot-1' });
    expect(h.server.requests).toHaveLength(2);
    expect(h.client.limiter.stats()).toMatchObject({ retries: 1, serverErrors: 1 });
  });

  it('retries POST search and data source queries (they are reads)', async () => {
    const h = await harness(
      script(
        (_, res) => sendJson(res, 500, notionError(500, 'internal_server_error', 'Oops.')),
        (_, res) => sendJson(res, 200, { object: 'list', results: [], has_more: false, next_cursor: null }),
      ),
    );
    const result = await h.run(h.client.call('search', (sdk) => sdk.search({ query: 'x', page_size: 10 })));
    expect(result.results).toEqual([]);
    expect(h.server.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(JSON.parse(h.server.requests[1]!.body)).toMatchObject({ query: 'x', page_size: 10 });
  });

  it.each([
    [400, 'validation_error'],
    [401, 'unauthorized'],
    [403, 'restricted_resource'],
    [404, 'object_not_found'],
  ] as const)('does not retry %i %s and types the error', async (status, code) => {
    const h = await harness((_, res) => sendJson(res, status, notionError(status, code, `Nope ${status}.`)));
    const error = (await h.run(me(h.client)).catch((e: unknown) => e)) as NotionApiError;
    expect(error).toBeInstanceOf(NotionApiError);
    expect(error).toMatchObject({ status, code, requestId: `req-${status}-${code}`, operation: 'users.me' });
    expect(error.isRetryable).toBe(false);
    expect(h.server.requests).toHaveLength(1);
    expect(h.client.limiter.stats().retries).toBe(0);
  });

  it('gives up after maxAttempts with exponential backoff', async () => {
    const h = await harness(
      (_, res) => sendJson(res, 503, notionError(503, 'service_unavailable', 'Down.')),
      {
        retry: { maxAttempts: 4, baseDelayMs: 1_000, random: () => 0.999 },
      },
    );
    const t0 = h.clock.now();
    const error = await h.run(me(h.client)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotionApiError);
    expect(h.server.requests.map((r) => r.at - t0)).toEqual([0, 999, 999 + 1_998, 999 + 1_998 + 3_996]);
  });

  it('honours Retry-After on a 503 for that request only', async () => {
    const h = await harness(
      script(
        (_, res) =>
          sendJson(res, 503, notionError(503, 'service_unavailable', 'Later.'), { 'retry-after': '12' }),
        ok,
      ),
    );
    const t0 = h.clock.now();
    await h.run(me(h.client));
    expect(h.server.requests.map((r) => r.at - t0)).toEqual([0, 12_000]);
    expect(h.client.limiter.stats().pausedMs).toBe(0);
  });

  it('retries a connection reset on a fresh connection pool', async () => {
    let pools = 0;
    const h = await harness(
      script((_req, res) => {
        res.socket?.destroy();
      }, ok),
      {
        dispatcher: () => {
          pools++;
          return new Agent({ connections: 4 });
        },
      },
    );
    await expect(h.run(me(h.client))).resolves.toMatchObject({ id: 'bot-1' });
    expect(h.server.requests).toHaveLength(2);
    expect(pools).toBe(2);
    expect(h.client.limiter.stats()).toMatchObject({ networkErrors: 1, retries: 1 });
  });

  it('retries a truncated body', async () => {
    const h = await harness(
      script((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"object":"user","id":"bo');
        setTimeout(() => res.socket?.destroy(), 5);
      }, ok),
    );
    await expect(h.run(me(h.client))).resolves.toMatchObject({ id: 'bot-1' });
    expect(h.server.requests).toHaveLength(2);
  });

  it('retries a complete response whose JSON is cut short', async () => {
    const h = await harness(
      script((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"object":"user","id":"bo');
      }, ok),
    );
    await expect(h.run(me(h.client))).resolves.toMatchObject({ id: 'bot-1' });
    expect(h.server.requests).toHaveLength(2);
  });

  it('aborts a request whose headers never come (headers timeout) and retries', async () => {
    const h = await harness(
      script(() => {
        /* never answers */
      }, ok),
      { timeouts: { headersMs: 150 } },
    );
    const started = performance.now();
    await expect(h.run(me(h.client))).resolves.toMatchObject({ id: 'bot-1' });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(h.server.requests).toHaveLength(2);
  });

  it('aborts a body that stalls (body timeout) and retries', async () => {
    const h = await harness(
      script((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"object":');
      }, ok),
      { timeouts: { bodyMs: 150 } },
    );
    await expect(h.run(me(h.client))).resolves.toMatchObject({ id: 'bot-1' });
    expect(h.server.requests).toHaveLength(2);
  });

  it('reports a refused connection as a NetworkError after bounded attempts', async () => {
    const server = await startTestServer(ok);
    const url = server.url;
    await server.close();
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ requestsPerMinute: 100, clock });
    const client = createNotionClient({
      token: TOKEN,
      notionVersion: '2025-09-03',
      baseUrl: url,
      logger: createLogger({ write: () => {} }),
      clock,
      limiter,
      retry: { maxAttempts: 3 },
    });
    cleanups.push(() => client.close());
    const error = await clock.runUntil(
      me(client).catch((e: unknown) => e),
      {
        idle: () => limiter.stats().inFlight === 0,
      },
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toContain('ECONNREFUSED');
    expect(limiter.stats()).toMatchObject({ requests: 3, networkErrors: 3 });
  });

  it('stops waiting when the signal aborts', async () => {
    const h = await harness((_, res) =>
      sendJson(res, 429, notionError(429, 'rate_limited', 'Slow.'), { 'retry-after': '600' }),
    );
    const controller = new AbortController();
    const call = h.client.call('users.me', (sdk) => sdk.users.me({}), { signal: controller.signal });
    while (h.client.limiter.stats().rateLimited === 0) await new Promise((r) => setTimeout(r, 1));
    controller.abort(new Error('shutting down'));
    await expect(call).rejects.toThrow('shutting down');
    expect(h.server.requests).toHaveLength(1);
  });

  it('aborts a request on the wire when its signal aborts', async () => {
    const h = await harness(() => {}); // never answers
    const controller = new AbortController();
    const call = h.client.call('users.me', (sdk) => sdk.users.me({}), { signal: controller.signal });
    while (h.server.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
    controller.abort(new Error('shutting down'));
    await expect(call).rejects.toThrow('shutting down');
    expect(h.client.limiter.stats().inFlight).toBe(0);
  });

  it('leaves no listener on a long-lived signal once its requests are done', async () => {
    const h = await harness(ok);
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) {
      await h.run(h.client.call('users.me', (sdk) => sdk.users.me({}), { signal: controller.signal }));
    }
    expect(h.server.requests).toHaveLength(20);
    // undici removes its listener when the response body closes, a tick after the body is read.
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it("logs each request under its call's operation and attempt", async () => {
    const h = await harness(
      script((_, res) => sendJson(res, 500, notionError(500, 'internal_server_error', 'x')), ok),
    );
    await h.run(h.client.call('users.me', (sdk) => sdk.users.me({})));
    const requests = h.lines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.msg === 'notion request');
    expect(requests.map(({ fields }) => [fields.operation, fields.attempt, fields.status])).toEqual([
      ['users.me', 1, 500],
      ['users.me', 2, 200],
    ]);
  });

  it('fails fast once closed', async () => {
    const h = await harness(ok);
    await h.client.close();
    const error = await h.run(me(h.client)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).isRetryable).toBe(false);
    expect(h.server.requests).toHaveLength(0);
  });

  it('converts programming errors into a non-retryable ConnectorError', async () => {
    const h = await harness(ok);
    const error = await h
      .run(
        h.client.call('bad', async () => {
          throw new TypeError('not a function');
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).isRetryable).toBe(false);
    expect((error as ConnectorError).cause).toBeInstanceOf(TypeError);
  });
});

describe('createNotionClient: rate limit end to end', () => {
  it('250 requests at 180/min take one window plus the rest, never over budget', async () => {
    const h = await harness(ok, {});
    const limiter = createRateLimiter({ requestsPerMinute: 180, maxInFlight: 16, clock: h.clock });
    const client = createNotionClient({
      token: TOKEN,
      notionVersion: '2025-09-03',
      baseUrl: h.server.url,
      logger: createLogger({ write: () => {} }),
      clock: h.clock,
      limiter,
    });
    cleanups.push(() => client.close());
    const t0 = h.clock.now();
    await h.clock.runUntil(Promise.all(Array.from({ length: 250 }, () => me(client))), {
      idle: () => limiter.stats().inFlight === 0,
    });
    const offsets = h.server.requests.map((r) => r.at - t0);
    expect(offsets).toHaveLength(250);
    expect(offsets.filter((t) => t === 0)).toHaveLength(180);
    expect(offsets.filter((t) => t === 60_500)).toHaveLength(70);
    expect(limiter.stats().maxInFlight).toBeLessThanOrEqual(16);
  });
});

describe('secrets', () => {
  it('never puts the token in a log line or an error message', async () => {
    // A hostile server that echoes the Authorization header back in every error.
    const h = await harness(
      (request, res) => {
        const auth = String(request.headers.authorization);
        if (request.path.includes('/users/me')) {
          sendJson(res, 401, notionError(401, 'unauthorized', `API token is invalid: ${auth} (${TOKEN})`));
        } else {
          res.writeHead(502, { 'content-type': 'text/html' });
          res.end(`<html><body>${auth} ${encodeURIComponent(TOKEN)}</body></html>`);
        }
      },
      { retry: { maxAttempts: 2, random: () => 0 } },
    );
    const errors: unknown[] = [];
    errors.push(await h.run(me(h.client)).catch((e: unknown) => e));
    errors.push(
      await h.run(h.client.call('users.list', (sdk) => sdk.users.list({}))).catch((e: unknown) => e),
    );
    expect(errors.every((e) => e instanceof NotionApiError)).toBe(true);
    expect(h.lines.length).toBeGreaterThan(3);
    for (const line of h.lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(encodeURIComponent(TOKEN));
    }
    for (const error of errors as Error[]) {
      expect(error.message).not.toContain(TOKEN);
      expect(error.stack ?? '').not.toContain(TOKEN);
      expect(JSON.stringify(error)).not.toContain(TOKEN);
    }
    // The redaction is what keeps it out: the server did send it back.
    expect(h.lines.some((line) => line.includes('[REDACTED]'))).toBe(true);
  });
});
