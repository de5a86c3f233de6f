import { createLogger } from '@source-notion/core';
import { runStreamSweep } from '@source-notion/core/testing';
import { databasesStream } from '@source-notion/stream-databases';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertAllRequestsMade,
  createContractContext,
  isolateNetwork,
  NOTION_ORIGIN,
} from './contract-context.js';
import { fixtureBody, fixtureExample } from './fixtures.js';

beforeEach(isolateNetwork);
afterEach(assertAllRequestsMade);

const GROCERY_DB = '842a0286-cef0-46a8-abba-eac4c8ca644e';
const RECIPES_DB = 'c4f3a7d2-8c1b-4b5e-9f0a-6d2e1c3b4a59';
const GROCERY_SOURCE = '2f26ee68-df30-4251-aad4-8ddc420cba3d';

/**
 * The requests of one databases sweep: search lists the data sources (the Recipes one complete,
 * the Grocery one partial, so it is fetched), then each database holding one is fetched.
 */
function replySweep(grocery: Record<string, unknown>) {
  const notFound = fixtureExample('errors', 'object-not-found');
  nock(NOTION_ORIGIN)
    .post('/v1/search', { filter: { property: 'object', value: 'data_source' }, page_size: 100 })
    .reply(200, fixtureBody('search', 'data-sources'))
    .get(`/v1/data_sources/${GROCERY_SOURCE}`)
    .reply(200, fixtureBody('data-sources-retrieve', 'grocery-list'))
    .get(`/v1/databases/${GROCERY_DB}`)
    .reply(200, grocery)
    .get(`/v1/databases/${RECIPES_DB}`)
    .reply(notFound.status, notFound.body, notFound.headers);
}

describe('GET /v1/databases/{id}', () => {
  it('the databases stream emits the reference database container and skips one that answers 404', async () => {
    replySweep(fixtureBody('databases-retrieve', 'grocery-list'));
    const lines: string[] = [];
    const ctx = createContractContext({
      logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }),
    });

    const sweep = await runStreamSweep(databasesStream, ctx, databasesStream.initialState(ctx.config));

    expect(sweep.completed).toBe(true);
    expect(sweep.docs).toEqual([
      {
        object: 'database',
        id: GROCERY_DB,
        title: [
          {
            type: 'text',
            text: { content: 'Grocery List', link: null },
            annotations: {
              bold: false,
              italic: false,
              strikethrough: false,
              underline: false,
              code: false,
              color: 'default',
            },
            plain_text: 'Grocery List',
            href: null,
          },
        ],
        description: [],
        parent: { type: 'page_id', page_id: 'af5f89b5-a8ff-4c56-a5e8-69797d11b9f8' },
        is_inline: false,
        in_trash: false,
        is_locked: false,
        created_time: '2020-03-17T19:10:00.000Z',
        last_edited_time: '2025-09-29T21:06:00.000Z',
        data_sources: [{ id: GROCERY_SOURCE, name: 'Grocery List' }],
        icon: null,
        cover: null,
        url: 'https://www.notion.so/842a0286cef046a8abbaeac4c8ca644e',
        public_url: null,
        // request_id is dropped.
      },
    ]);
    expect(sweep.state.databases).toHaveProperty(GROCERY_DB);
    expect(sweep.state.databases).not.toHaveProperty(RECIPES_DB);
    expect(lines.map((line) => JSON.parse(line) as { msg: string; fields?: { id?: string } })).toContainEqual(
      expect.objectContaining({
        msg: 'a database holding a visible data source answers 404; skipping it',
        fields: expect.objectContaining({ id: RECIPES_DB }),
      }),
    );
  });

  it('a database captured before that now answers 404 is emitted as a deletion', async () => {
    replySweep(fixtureBody('databases-retrieve', 'grocery-list'));
    const ctx = createContractContext();
    const state = { ...databasesStream.initialState(ctx.config), databases: { [RECIPES_DB]: 'earlier' } };

    const sweep = await runStreamSweep(databasesStream, ctx, state);

    // The GETs run concurrently: documents come in the order the answers arrive.
    const byId = new Map(sweep.docs.map((doc) => [doc.id, doc]));
    expect([...byId.keys()].sort()).toEqual([GROCERY_DB, RECIPES_DB]);
    expect(byId.get(RECIPES_DB)).toEqual({ id: RECIPES_DB, _meta: { op: 'd' } });
    expect(byId.get(GROCERY_DB)).toMatchObject({
      object: 'database',
      data_sources: [{ id: GROCERY_SOURCE }],
    });
  });

  it('a database without its data_sources is skipped with a warning naming it and the GET', async () => {
    const grocery = fixtureBody('databases-retrieve', 'grocery-list');
    delete grocery.data_sources;
    replySweep(grocery);
    const lines: string[] = [];
    const ctx = createContractContext({
      logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }),
    });

    const sweep = await runStreamSweep(databasesStream, ctx, databasesStream.initialState(ctx.config));

    // One database that does not parse never fails the sweep: skipped, retried next sweep.
    expect(sweep.completed).toBe(true);
    expect(sweep.docs).toEqual([]);
    expect(sweep.state.databases).toEqual({});
    const warning = lines
      .map((line) => JSON.parse(line) as { fields?: { id?: string; error?: string } })
      .find((line) => line.fields?.id === GROCERY_DB);
    expect(warning?.fields?.error).toMatch(
      /^retrieve database: unexpected response shape[\s\S]*data_sources/,
    );
  });
});
