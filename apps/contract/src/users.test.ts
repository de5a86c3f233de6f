import { IncompleteListError, ResponseValidationError } from '@source-notion/core';
import { runStreamSweep } from '@source-notion/core/testing';
import { userDocument, userResponseSchema, usersStream } from '@source-notion/stream-users';
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

describe('GET /v1/users/me', () => {
  it('parses the reference bot user and normalizes its owner the way the users stream does', async () => {
    const example = fixtureExample('users-me', 'bot-owned-by-user');
    nock(NOTION_ORIGIN)
      .get('/v1/users/me')
      .matchHeader('notion-version', '2025-09-03')
      .matchHeader('authorization', /^Bearer contract-test-token-\d+$/)
      .reply(example.status, example.body);
    const { notion } = createContractClient();

    const raw = await notion.call('users.me', (sdk) => sdk.users.me({}));
    const user = userResponseSchema.parse(raw);

    expect(userDocument(user)).toEqual({
      object: 'user',
      id: '16d84278-ab0e-484c-9bdd-b35da3bd8905',
      name: 'pied piper',
      avatar_url: null,
      type: 'bot',
      bot: {
        owner: {
          type: 'user',
          info: {
            object: 'user',
            id: '5389a034-eb5c-47b5-8a9e-f79c99ef166c',
            name: 'christine makenotion',
            avatar_url: null,
            type: 'person',
            person: { email: 'christine@example.org' },
          },
        },
      },
      request_id: '6f0b2c1e-1d0a-4a53-9d4b-0c3a2f7e9b11',
    });
  });
});

describe('GET /v1/users', () => {
  const replyWithBothPages = () => {
    nock(NOTION_ORIGIN)
      .get('/v1/users')
      .query({ page_size: '100' })
      .reply(200, fixtureBody('users-list', 'first-page'))
      .get('/v1/users')
      .query({ page_size: '100', start_cursor: 'fe2cc560-036c-44cd-90e8-294d5a74cebc' })
      .reply(200, fixtureBody('users-list', 'last-page-2026-12-01'));
  };

  it('the users stream reads both pages and yields one document per user, then its checkpoint', async () => {
    replyWithBothPages();
    const ctx = createContractContext();

    const sweep = await runStreamSweep(usersStream, ctx, usersStream.initialState(ctx.config));

    expect(sweep.completed).toBe(true);
    expect(sweep.docs).toEqual([
      {
        object: 'user',
        id: 'd40e767c-d7af-4b18-a86d-55c61f1e39a4',
        type: 'person',
        person: { email: 'avo@example.org' },
        name: 'Avocado Lovelace',
        avatar_url: 'https://secure.notion-static.com/e6a352a8-8381-44d0-a1dc-9ed80e62b53d.jpg',
      },
      {
        // A bot without an owner is kept as Notion sent it.
        object: 'user',
        id: '9a3b5ae0-c6e6-482d-b0e1-ed315ee6dc57',
        type: 'bot',
        bot: {},
        name: 'Doug Engelbot',
        avatar_url: 'https://secure.notion-static.com/6720d746-3402-4171-8ebb-28d15144923c.jpg',
      },
      {
        object: 'user',
        id: '92a680bb-6970-4726-952b-4f4c03bff617',
        name: 'Leotastic',
        avatar_url: null,
        type: 'bot',
        // owner.workspace moves to owner.info.
        bot: { owner: { type: 'workspace', info: true }, workspace_name: "Ada's Notion" },
      },
      {
        // 2026-12-01: a person's name may be null.
        object: 'user',
        id: '6794760a-1f15-45cd-9c65-0dfe42f5135a',
        name: null,
        avatar_url: null,
        type: 'person',
        person: { email: 'aman@example.org' },
      },
    ]);
    expect(sweep.checkpoints).toHaveLength(1);
    expect(sweep.state.ids).toBeDefined();
  });

  it('a user without its id fails the stream with a ResponseValidationError naming the operation', async () => {
    const page = fixtureBody<{ results: Record<string, unknown>[] }>('users-list', 'first-page');
    delete page.results[1]!.id;
    nock(NOTION_ORIGIN).get('/v1/users').query({ page_size: '100' }).reply(200, page);
    const ctx = createContractContext();

    const sweep = runStreamSweep(usersStream, ctx, usersStream.initialState(ctx.config));

    await expect(sweep).rejects.toThrow(ResponseValidationError);
    await expect(sweep).rejects.toThrow(/^list users: unexpected response shape/);
  });

  it('a listing Notion marks incomplete deletes no one', async () => {
    const page = fixtureBody('users-list', 'last-page-2026-12-01');
    page.request_status = { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' };
    nock(NOTION_ORIGIN).get('/v1/users').query({ page_size: '100' }).reply(200, page);
    const ctx = createContractContext();

    await expect(runStreamSweep(usersStream, ctx, usersStream.initialState(ctx.config))).rejects.toThrow(
      IncompleteListError,
    );
  });
});
