import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { NOTION_VERSIONS } from './config.js';
import { ConnectorError, NotionApiError } from './errors.js';
import { createLogger } from './logger.js';
import { createNotionClient } from './notion-client.js';
import { createRateLimiter } from './rate-limiter.js';
import { createFakeClock } from './testing/fake-clock.js';
import { notionError, sendJson, startTestServer } from './testing/http-test-server.js';
import {
  clientHarness,
  closeClientHarnesses,
  ME,
  me,
  ok,
  onCleanup,
  TOKEN,
} from './testing/notion-client-harness.js';

// The client as a whole. Its parts have their own tests: notion-client-transport.test.ts (pool,
// timeouts, signals), notion-client-retry.test.ts (retry policy), notion-client-errors.test.ts.

afterEach(closeClientHarnesses);

describe('createNotionClient', () => {
  it('sends the token, version and method to the base URL and returns the body', async () => {
    const { server, client, run } = await clientHarness(ok);
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
    onCleanup(() => server.close());
    const client = createNotionClient({
      token: TOKEN,
      notionVersion: '2026-03-11',
      logger: createLogger({ write: () => {} }),
      limiter: createRateLimiter({ requestsPerMinute: 100 }),
      env: { NOTION_API_BASE_URL: `${server.url}/` },
    });
    onCleanup(() => client.close());
    expect(client.baseUrl).toBe(server.url);
    await me(client);
    expect(server.requests[0]!.headers['notion-version']).toBe('2026-03-11');
  });

  it('sends the configured Notion-Version, 2026-12-01 included', async () => {
    const server = await startTestServer(ok);
    onCleanup(() => server.close());
    for (const notionVersion of NOTION_VERSIONS) {
      const client = createNotionClient({
        token: TOKEN,
        notionVersion,
        baseUrl: server.url,
        logger: createLogger({ write: () => {} }),
        limiter: createRateLimiter({ requestsPerMinute: 100 }),
      });
      onCleanup(() => client.close());
      await me(client);
    }
    expect(server.requests.map((request) => request.headers['notion-version'])).toEqual([
      '2025-09-03',
      '2026-03-11',
      '2026-12-01',
    ]);
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

  it('fails fast once closed', async () => {
    const h = await clientHarness(ok);
    await h.client.close();
    const error = await h.run(me(h.client)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).isRetryable).toBe(false);
    expect(h.server.requests).toHaveLength(0);
  });

  it('converts programming errors into a non-retryable ConnectorError', async () => {
    const h = await clientHarness(ok);
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
    const h = await clientHarness(ok, {});
    const limiter = createRateLimiter({ requestsPerMinute: 180, maxInFlight: 16, clock: h.clock });
    const client = createNotionClient({
      token: TOKEN,
      notionVersion: '2025-09-03',
      baseUrl: h.server.url,
      logger: createLogger({ write: () => {} }),
      clock: h.clock,
      limiter,
    });
    onCleanup(() => client.close());
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
    const h = await clientHarness(
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
