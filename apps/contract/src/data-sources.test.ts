import { createLogger, retrieveNotionObject } from '@source-notion/core';
import { runStreamSweep } from '@source-notion/core/testing';
import {
  dataSourceDocument,
  dataSourceResponseSchema,
  dataSourcesStream,
} from '@source-notion/stream-data-sources';
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

const GROCERY = '2f26ee68-df30-4251-aad4-8ddc420cba3d';
const RECIPES = 'a42a62ed-9b51-4b98-9dea-ea6d091bc508';

/**
 * `POST /v1/search` for data sources, as core's listing sends it, then the listing's read of the
 * Recipes database (to find the data sources search omits): no reference example, so a 404.
 */
const searchDataSources = (body: Record<string, unknown>) => {
  const notFound = fixtureExample('errors', 'object-not-found');
  return nock(NOTION_ORIGIN)
    .post('/v1/search', { filter: { property: 'object', value: 'data_source' }, page_size: 100 })
    .reply(200, body)
    .get('/v1/databases/c4f3a7d2-8c1b-4b5e-9f0a-6d2e1c3b4a59')
    .reply(notFound.status, notFound.body, notFound.headers);
};

const retrieveGrocery = (body: Record<string, unknown>) =>
  nock(NOTION_ORIGIN).get(`/v1/data_sources/${GROCERY}`).reply(200, body);

const TITLE = (text: string) => [
  {
    type: 'text',
    text: { content: text, link: null },
    annotations: {
      bold: false,
      italic: false,
      strikethrough: false,
      underline: false,
      code: false,
      color: 'default',
    },
    plain_text: text,
    href: null,
  },
];

describe('POST /v1/search (data sources) and GET /v1/data_sources/{id}', () => {
  it('the data_sources stream emits the complete search result and GETs the partial one', async () => {
    searchDataSources(fixtureBody('search', 'data-sources'));
    retrieveGrocery(fixtureBody('data-sources-retrieve', 'grocery-list'));
    const ctx = createContractContext();

    const sweep = await runStreamSweep(dataSourcesStream, ctx, dataSourcesStream.initialState(ctx.config));

    expect(sweep.completed).toBe(true);
    expect(sweep.docs.map((doc) => doc.id)).toEqual([RECIPES, GROCERY]);
    const [recipes, grocery] = sweep.docs;
    // Properties become [{name, value}] in Notion's order; everything else is kept.
    expect(recipes).toMatchObject({
      object: 'data_source',
      id: RECIPES,
      title: TITLE('Recipes'),
      parent: { type: 'database_id', database_id: 'c4f3a7d2-8c1b-4b5e-9f0a-6d2e1c3b4a59' },
      database_parent: { type: 'page_id', page_id: 'af5f89b5-a8ff-4c56-a5e8-69797d11b9f8' },
      in_trash: false,
      properties: [
        {
          name: 'Ingredients',
          value: {
            id: '%5Cj%3Cn',
            name: 'Ingredients',
            description: null,
            type: 'relation',
            relation: {
              data_source_id: GROCERY,
              type: 'dual_property',
              dual_property: { synced_property_name: 'Recipes', synced_property_id: 'BYlG' },
            },
          },
        },
        { name: 'Name', value: { id: 'title', name: 'Name', description: null, type: 'title', title: {} } },
      ],
    });
    expect(grocery).toMatchObject({
      object: 'data_source',
      id: GROCERY,
      created_time: '2020-03-17T19:10:04.968Z',
      last_edited_time: '2025-09-29T21:06:00.000Z',
      parent: { type: 'database_id', database_id: '842a0286-cef0-46a8-abba-eac4c8ca644e' },
      title: TITLE('Grocery List'),
    });
    // The GET's request_id is not part of the document.
    expect(grocery).not.toHaveProperty('request_id');
    expect((grocery!.properties as { name: string }[]).map((p) => p.name)).toEqual([
      'In stock',
      'Price',
      'Recipes',
      'Number of meals',
      'Cost of next trip',
      'Name',
    ]);
    expect((grocery!.properties as { value: unknown }[])[3]).toEqual({
      name: 'Number of meals',
      value: {
        id: 'Z%5C%3Ei',
        name: 'Number of meals',
        description: null,
        type: 'rollup',
        rollup: {
          rollup_property_name: 'Name',
          relation_property_name: 'Recipes',
          rollup_property_id: 'title',
          relation_property_id: 'BYlG',
          function: 'count',
        },
      },
    });
    expect(sweep.state.sources).toEqual({
      [RECIPES]: Math.floor(Date.parse('2025-10-02T18:31:00.000Z') / 1000),
      [GROCERY]: Math.floor(Date.parse('2025-09-29T21:06:00.000Z') / 1000),
    });
  });

  it('2026-03-11: a captured data source search no longer lists is fetched and emitted in the trash (in_trash, no archived)', async () => {
    const search = fixtureBody<{ results: unknown[] }>('search', 'data-sources');
    search.results = search.results.slice(0, 1);
    nock(NOTION_ORIGIN)
      .post('/v1/search', { filter: { property: 'object', value: 'data_source' }, page_size: 100 })
      .matchHeader('notion-version', '2026-03-11')
      .reply(200, search)
      // The listing reads the Recipes database (no reference example: a 404).
      .get('/v1/databases/c4f3a7d2-8c1b-4b5e-9f0a-6d2e1c3b4a59')
      .reply(404, fixtureExample('errors', 'object-not-found').body)
      .get(`/v1/data_sources/${GROCERY}`)
      .matchHeader('notion-version', '2026-03-11')
      .reply(200, fixtureBody('data-sources-retrieve', 'in-trash-2026-03-11'));
    const ctx = createContractContext({
      notionVersion: '2026-03-11',
      config: { advanced: { notion_version: '2026-03-11' } },
    });
    const edited = Math.floor(Date.parse('2025-09-29T21:06:00.000Z') / 1000);
    const state = { ...dataSourcesStream.initialState(ctx.config), sources: { [GROCERY]: edited } };

    const sweep = await runStreamSweep(dataSourcesStream, ctx, state);

    const grocery = sweep.docs.find((doc) => doc.id === GROCERY);
    expect(grocery).toMatchObject({ object: 'data_source', id: GROCERY, in_trash: true });
    expect(grocery).not.toHaveProperty('archived');
    // A negative stamp: in the trash as of its last edit.
    expect(sweep.state.sources[GROCERY]).toBe(-Math.floor(Date.parse('2026-11-02T10:15:00.000Z') / 1000));
  });

  it('GET /v1/data_sources/{id} parses with the stream schema and builds the same document', async () => {
    retrieveGrocery(fixtureBody('data-sources-retrieve', 'grocery-list'));
    const { notion } = createContractClient();

    const source = await retrieveNotionObject(
      notion,
      'retrieve data source',
      (sdk) => sdk.dataSources.retrieve({ data_source_id: GROCERY }),
      dataSourceResponseSchema,
    );

    expect(source).toBeDefined();
    const doc = dataSourceDocument(source!);
    expect(doc).toMatchObject({
      id: GROCERY,
      is_inline: false,
      url: 'https://www.notion.so/2f26ee68df304251aad48ddc420cba3d',
    });
    expect(doc.properties).toContainEqual({
      name: 'Price',
      value: { id: 'BJXS', name: 'Price', description: null, type: 'number', number: { format: 'dollar' } },
    });
  });

  it('a data source without properties is skipped with a warning naming it and the GET', async () => {
    const body = fixtureBody('data-sources-retrieve', 'grocery-list');
    delete body.properties;
    searchDataSources(fixtureBody('search', 'data-sources'));
    retrieveGrocery(body);
    const lines: string[] = [];
    const ctx = createContractContext({
      logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }),
    });

    const sweep = await runStreamSweep(dataSourcesStream, ctx, dataSourcesStream.initialState(ctx.config));

    // One data source that does not parse never fails the sweep: skipped, retried next sweep.
    expect(sweep.completed).toBe(true);
    expect(sweep.docs.map((doc) => doc.id)).toEqual([RECIPES]);
    expect(sweep.state.sources[GROCERY]).toBeUndefined();
    const warning = lines
      .map((line) => JSON.parse(line) as { fields?: { id?: string; requestId?: string; error?: string } })
      .find((line) => line.fields?.id === GROCERY);
    expect(warning?.fields?.requestId).toBe('f8a7b6c5-d4e3-4f2a-9b0c-1d2e3f4a5b6c');
    expect(warning?.fields?.error).toMatch(
      /^retrieve data source: unexpected response shape[\s\S]*properties/,
    );
  });
});
