import { ConnectorError, createLogger, NotionApiError, retrieveNotionObject } from '@source-notion/core';
import { runStreamSweep } from '@source-notion/core/testing';
import { databaseResponseSchema } from '@source-notion/stream-databases';
import { usersStream } from '@source-notion/stream-users';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertAllRequestsMade,
  createContractClient,
  createContractContext,
  isolateNetwork,
  NOTION_ORIGIN,
} from './contract-context.js';
import { fixtureBody, fixtureExample } from './fixtures.js';

beforeEach(isolateNetwork);
afterEach(assertAllRequestsMade);

const MISSING_DB = 'be907abe-510e-4116-a3d1-7ea71018c06f';
const CURSOR = 'fe2cc560-036c-44cd-90e8-294d5a74cebc';

const reply = (scope: nock.Interceptor, name: 'object-not-found' | 'invalid-cursor' | 'rate-limited') => {
  const example = fixtureExample('errors', name);
  return scope.reply(example.status, example.body, example.headers);
};

describe('the error envelope', () => {
  it('404 object_not_found becomes a NotionApiError with its code, message and request id', async () => {
    reply(nock(NOTION_ORIGIN).get(`/v1/databases/${MISSING_DB}`), 'object-not-found');
    const { notion } = createContractClient();

    const call = notion.call('retrieve database', (sdk) =>
      sdk.databases.retrieve({ database_id: MISSING_DB }),
    );

    await expect(call).rejects.toBeInstanceOf(NotionApiError);
    await expect(call).rejects.toMatchObject({
      status: 404,
      code: 'object_not_found',
      requestId: '5e0c3b8a-0f5d-4f7a-9a3e-1b2c3d4e5f60',
      operation: 'retrieve database',
      isRetryable: false,
      message:
        'retrieve database: Notion answered 404 object_not_found: Could not find database with ID: be907abe-510e-4116-a3d1-7ea71018c06f. Make sure the relevant pages and databases are shared with your integration. (request id 5e0c3b8a-0f5d-4f7a-9a3e-1b2c3d4e5f60)',
    });
  });

  it('a GET of an object that answers 404 is undefined (gone), not an error', async () => {
    reply(nock(NOTION_ORIGIN).get(`/v1/databases/${MISSING_DB}`), 'object-not-found');
    const { notion } = createContractClient();

    const database = await retrieveNotionObject(
      notion,
      'retrieve database',
      (sdk) => sdk.databases.retrieve({ database_id: MISSING_DB }),
      databaseResponseSchema,
    );

    expect(database).toBeUndefined();
  });

  it('400 invalid start_cursor restarts the listing; the users stream emits each user once', async () => {
    const first = fixtureBody('users-list', 'first-page');
    nock(NOTION_ORIGIN)
      .get('/v1/users')
      .query({ page_size: '100' })
      .reply(200, first)
      .get('/v1/users')
      .query({ page_size: '100', start_cursor: CURSOR })
      .reply(() => {
        const example = fixtureExample('errors', 'invalid-cursor');
        return [example.status, example.body];
      })
      .get('/v1/users')
      .query({ page_size: '100' })
      .reply(200, first)
      .get('/v1/users')
      .query({ page_size: '100', start_cursor: CURSOR })
      .reply(200, fixtureBody('users-list', 'last-page-2026-12-01'));
    const lines: string[] = [];
    const ctx = createContractContext({
      logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }),
    });

    const sweep = await runStreamSweep(usersStream, ctx, usersStream.initialState(ctx.config));

    expect(sweep.docs.map((doc) => doc.id)).toEqual([
      'd40e767c-d7af-4b18-a86d-55c61f1e39a4',
      '9a3b5ae0-c6e6-482d-b0e1-ed315ee6dc57',
      '92a680bb-6970-4726-952b-4f4c03bff617',
      '6794760a-1f15-45cd-9c65-0dfe42f5135a',
    ]);
    expect(lines.map((line) => JSON.parse(line))).toContainEqual({
      level: 'warn',
      msg: 'Notion rejected a listing cursor; restarting the listing from the beginning',
      fields: {
        operation: 'list users',
        restart: 1,
        maxRestarts: 3,
        requestId: '9b8c7d6e-5f40-4a3b-8c2d-1e0f9a8b7c6d',
      },
    });
  });

  it('a cursor rejected after every restart fails the listing with a ConnectorError that says so', async () => {
    const scope = nock(NOTION_ORIGIN);
    for (let i = 0; i < 4; i++) {
      scope.get('/v1/users').query({ page_size: '100' }).reply(200, fixtureBody('users-list', 'first-page'));
      reply(scope.get('/v1/users').query({ page_size: '100', start_cursor: CURSOR }), 'invalid-cursor');
    }
    const ctx = createContractContext();

    const sweep = runStreamSweep(usersStream, ctx, usersStream.initialState(ctx.config));

    await expect(sweep).rejects.toBeInstanceOf(ConnectorError);
    await expect(sweep).rejects.toThrow(
      "list users: Notion rejected the listing's cursor 4 times; gave up after 3 restarts",
    );
  });

  it('429 rate_limited waits its Retry-After, then the request is made again', async () => {
    reply(nock(NOTION_ORIGIN).get('/v1/users/me'), 'rate-limited');
    nock(NOTION_ORIGIN).get('/v1/users/me').reply(200, fixtureBody('users-me', 'bot-owned-by-user'));
    const { notion, clock, run } = createContractClient({ maxRateLimitRetries: 1 });
    const started = clock.now();

    const me = await run(notion.call('users.me', (sdk) => sdk.users.me({})));

    expect(me.id).toBe('16d84278-ab0e-484c-9bdd-b35da3bd8905');
    expect(clock.now() - started).toBeGreaterThanOrEqual(12_000);
    expect(clock.now() - started).toBeLessThan(13_000);
  });

  it('429 past the retries left is a retryable NotionApiError naming the rate limit', async () => {
    reply(nock(NOTION_ORIGIN).get('/v1/users/me'), 'rate-limited');
    const { notion } = createContractClient({ maxRateLimitRetries: 0 });

    const call = notion.call('users.me', (sdk) => sdk.users.me({}));

    await expect(call).rejects.toMatchObject({
      name: 'NotionApiError',
      status: 429,
      code: 'rate_limited',
      isRetryable: true,
      rateLimitReason: 'public_api_request_rate_limit',
      requestId: '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a',
    });
  });
});
