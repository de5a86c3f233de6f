import { createLogger, ResponseValidationError, retrievePage } from '@source-notion/core';
import { runStreamSweep } from '@source-notion/core/testing';
import { pageDocument, pagesStream } from '@source-notion/stream-pages';
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
import { dataSourceSearchResult, emptySearch, replyPageListings } from './page-requests.js';

beforeEach(isolateNetwork);
afterEach(assertAllRequestsMade);

const GROCERY = '2f26ee68-df30-4251-aad4-8ddc420cba3d';
const KALE_ROW = '59833787-2cf9-4fdf-8782-e53db20768a5';
const MEAL_PLANNING = 'b55c9c91-384d-452b-81db-d1ef79372b75';
const GROCERIES_PAGE = 'af5f89b5-a8ff-4c56-a5e8-69797d11b9f8';
const RELATED = (n: number) => ({ id: `a1b2c3d4-0001-4a00-8000-${String(n).padStart(12, '0')}` });

const text = (content: string) => ({
  type: 'text',
  text: { content, link: null },
  annotations: {
    bold: false,
    italic: false,
    strikethrough: false,
    underline: false,
    code: false,
    color: 'default',
  },
  plain_text: content,
  href: null,
});

/** The two pages of the Recipes relation through the property item endpoint. */
function replyRelationItems() {
  const path = `/v1/pages/${KALE_ROW}/properties/BYlG`;
  nock(NOTION_ORIGIN)
    .get(path)
    .query({ page_size: '100' })
    .reply(200, fixtureBody('pages-property-item', 'relation-first-page'))
    .get(path)
    .query({ page_size: '100', start_cursor: 'cursor-relation-2' })
    .reply(200, fixtureBody('pages-property-item', 'relation-last-page'));
}

/** The rollup and the formula of the row, read again because its relation is truncated. */
function replyComputedItems() {
  nock(NOTION_ORIGIN)
    .get(`/v1/pages/${KALE_ROW}/properties/Z%5C%3Ei`)
    .query({ page_size: '100' })
    .reply(200, fixtureBody('pages-property-item', 'rollup'))
    .get(`/v1/pages/${KALE_ROW}/properties/WOd%3B`)
    .query({ page_size: '100' })
    .reply(200, fixtureBody('pages-property-item', 'formula'));
}

describe('POST /v1/search (pages), POST /v1/data_sources/{id}/query and the property item endpoint', () => {
  it('the pages stream yields the search page and the data source row, its truncated relation, rollup and formula completed', async () => {
    replyPageListings({
      pages: fixtureBody('search', 'pages-2026-12-01'),
      dataSources: { ...emptySearch(), results: [dataSourceSearchResult()] },
      queries: { [GROCERY]: fixtureBody('data-sources-query', 'grocery-rows') },
    });
    replyRelationItems();
    replyComputedItems();
    const ctx = createContractContext();

    const sweep = await runStreamSweep(pagesStream, ctx, pagesStream.initialState(ctx.config));

    expect(sweep.completed).toBe(true);
    const byId = new Map(sweep.docs.map((doc) => [doc.id, doc]));
    expect([...byId.keys()].sort()).toEqual([KALE_ROW, MEAL_PLANNING]);

    // 2026-12-01 search: a title-only page; properties as [{name, value}].
    expect(byId.get(MEAL_PLANNING)).toMatchObject({
      object: 'page',
      id: MEAL_PLANNING,
      parent: { type: 'workspace', workspace: true },
      last_edited_time: '2026-11-30T16:02:00.000Z',
      in_trash: false,
      properties: [{ name: 'title', value: { id: 'title', type: 'title', title: [text('Meal planning')] } }],
    });

    // The row: every property in the data source's order; the relation that said has_more is
    // complete (three references from two property item pages) and says has_more: false; the
    // rollup and the formula over it are the property item endpoint's (every reference).
    const row = byId.get(KALE_ROW)!;
    expect(row).toMatchObject({
      object: 'page',
      parent: {
        type: 'data_source_id',
        data_source_id: GROCERY,
        database_id: '842a0286-cef0-46a8-abba-eac4c8ca644e',
      },
      created_time: '2022-03-01T19:05:00.000Z',
      last_edited_time: '2025-10-01T08:30:00.000Z',
    });
    expect(row).not.toHaveProperty('request_id');
    expect(row.properties).toEqual([
      { name: 'In stock', value: { id: '%7BNON', type: 'checkbox', checkbox: true } },
      { name: 'Price', value: { id: 'BJXS', type: 'number', number: 2.5 } },
      {
        name: 'Recipes',
        value: {
          id: 'BYlG',
          type: 'relation',
          relation: [RELATED(1), RELATED(2), RELATED(3)],
          has_more: false,
        },
      },
      {
        name: 'Number of meals',
        value: { id: 'Z%5C%3Ei', type: 'rollup', rollup: { type: 'number', number: 3, function: 'count' } },
      },
      {
        name: 'Cost of next trip',
        value: { id: 'WOd%3B', type: 'formula', formula: { type: 'number', number: 2.5 } },
      },
      { name: 'Name', value: { id: 'title', type: 'title', title: [text('Tuscan kale')] } },
    ]);
  });

  it('a title-only row (what 2026-12-01 answers a query without filter_properties) parses and yields its document', async () => {
    replyPageListings({
      pages: emptySearch(),
      dataSources: { ...emptySearch(), results: [dataSourceSearchResult()] },
      queries: { [GROCERY]: fixtureBody('data-sources-query', 'title-only-2026-12-01') },
    });
    const ctx = createContractContext();

    const sweep = await runStreamSweep(pagesStream, ctx, pagesStream.initialState(ctx.config));

    expect(sweep.docs).toHaveLength(1);
    expect(sweep.docs[0]).toMatchObject({
      id: '7c9b5a1e-3d2f-4e8a-b6c4-0f1e2d3c4b5a',
      parent: { type: 'data_source_id', data_source_id: GROCERY },
      properties: [{ name: 'Name', value: { id: 'title', type: 'title', title: [text('Lacinato kale')] } }],
    });
  });

  // Found by this contract (issue 12, item 7): on 2026-12-01 search lists a data source row with its
  // title only; discovery hands the row out with its query's copy (queried with filter_properties).
  it('a row that 2026-12-01 search lists title-only keeps the properties its query returned', async () => {
    const rows = fixtureBody<{ results: { properties: Record<string, { has_more?: boolean }> }[] }>(
      'data-sources-query',
      'grocery-rows',
    );
    const full = rows.results[0]!;
    full.properties.Recipes!.has_more = false;
    const titleOnly = structuredClone(full);
    titleOnly.properties = { Name: full.properties.Name! };
    replyPageListings({
      pages: { ...emptySearch(), results: [titleOnly] },
      dataSources: { ...emptySearch(), results: [dataSourceSearchResult()] },
      queries: { [GROCERY]: rows },
    });
    const ctx = createContractContext({ notionVersion: '2026-12-01' });

    const sweep = await runStreamSweep(pagesStream, ctx, pagesStream.initialState(ctx.config));

    const row = sweep.docs.filter((doc) => doc.id === KALE_ROW).at(-1);
    expect(row).toBeDefined();
    expect((row!.properties as { name: string }[]).map((p) => p.name)).toEqual([
      'In stock',
      'Price',
      'Recipes',
      'Number of meals',
      'Cost of next trip',
      'Name',
    ]);
  });

  it('a truncated rich_text value is completed from its property items', async () => {
    const rows = fixtureBody<{ results: { properties: Record<string, unknown> }[] }>(
      'data-sources-query',
      'grocery-rows',
    );
    const row = rows.results[0]!;
    // 25 rich text items: the page listing may have cut the value there.
    row.properties = {
      Description: {
        id: 'NVv%5E',
        type: 'rich_text',
        rich_text: Array.from({ length: 25 }, () => text('…')),
      },
    };
    replyPageListings({
      pages: emptySearch(),
      dataSources: { ...emptySearch(), results: [dataSourceSearchResult()] },
      queries: { [GROCERY]: rows },
    });
    nock(NOTION_ORIGIN)
      .get(`/v1/pages/${KALE_ROW}/properties/NVv%5E`)
      .query({ page_size: '100' })
      .reply(200, fixtureBody('pages-property-item', 'rich-text'));
    const ctx = createContractContext();

    const sweep = await runStreamSweep(pagesStream, ctx, pagesStream.initialState(ctx.config));

    expect(sweep.docs.map((doc) => doc.properties)).toEqual([
      [
        {
          name: 'Description',
          value: { id: 'NVv%5E', type: 'rich_text', rich_text: [text('Avocado '), text('Lovelace')] },
        },
      ],
    ]);
  });

  it('a query row without last_edited_time skips that data source with a warning naming it and the query', async () => {
    const rows = fixtureBody<{ results: Record<string, unknown>[] }>('data-sources-query', 'grocery-rows');
    delete rows.results[0]!.last_edited_time;
    replyPageListings({
      pages: emptySearch(),
      dataSources: { ...emptySearch(), results: [dataSourceSearchResult()] },
      queries: { [GROCERY]: rows },
    });
    const lines: string[] = [];
    const ctx = createContractContext({
      logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }),
    });

    const sweep = await runStreamSweep(pagesStream, ctx, pagesStream.initialState(ctx.config));

    // One data source that does not parse never fails the capture: skipped, retried next sweep.
    expect(sweep.completed).toBe(true);
    const warning = lines
      .map((line) => JSON.parse(line) as { fields?: { id?: string; error?: string } })
      .find((line) => line.fields?.id === GROCERY);
    expect(warning?.fields?.error).toMatch(
      /^query data source: unexpected response shape[\s\S]*last_edited_time/,
    );
  });
});

describe('GET /v1/pages/{id}', () => {
  it("parses the reference page with core's page schema and yields its document", async () => {
    nock(NOTION_ORIGIN)
      .get(`/v1/pages/${GROCERIES_PAGE}`)
      .reply(200, fixtureBody('pages-retrieve', 'workspace-page'));
    const { notion } = createContractClient();

    const page = await retrievePage(notion, GROCERIES_PAGE);

    expect(page).toBeDefined();
    expect(pageDocument(page!)).toEqual({
      object: 'page',
      id: GROCERIES_PAGE,
      created_time: '2020-03-17T19:10:00.000Z',
      last_edited_time: '2025-09-29T21:06:00.000Z',
      created_by: { object: 'user', id: 'ee5f0f84-409a-440f-983a-a5315961c6e4' },
      last_edited_by: { object: 'user', id: 'ee5f0f84-409a-440f-983a-a5315961c6e4' },
      cover: null,
      icon: { type: 'emoji', emoji: '🛒' },
      parent: { type: 'workspace', workspace: true },
      archived: false,
      in_trash: false,
      is_locked: false,
      properties: [{ name: 'title', value: { id: 'title', type: 'title', title: [text('Groceries')] } }],
      url: 'https://www.notion.so/Groceries-af5f89b5a8ff4c56a5e869797d11b9f8',
      public_url: null,
    });
  });

  it('a data source row keeps its parent and properties as [{name, value}]', async () => {
    nock(NOTION_ORIGIN)
      .get(`/v1/pages/${KALE_ROW}`)
      .reply(200, fixtureBody('pages-retrieve', 'data-source-row'));
    const { notion } = createContractClient();

    const doc = pageDocument((await retrievePage(notion, KALE_ROW))!);

    expect(doc.parent).toEqual({
      type: 'data_source_id',
      data_source_id: GROCERY,
      database_id: '842a0286-cef0-46a8-abba-eac4c8ca644e',
    });
    expect((doc.properties as { name: string }[]).map((p) => p.name)).toEqual([
      'In stock',
      'Price',
      'Recipes',
      'Number of meals',
      'Cost of next trip',
      'Name',
    ]);
  });

  it('404 object_not_found means the page is gone (undefined)', async () => {
    const notFound = fixtureExample('errors', 'object-not-found');
    nock(NOTION_ORIGIN)
      .get(`/v1/pages/${GROCERIES_PAGE}`)
      .reply(notFound.status, notFound.body, notFound.headers);
    const { notion } = createContractClient();

    await expect(retrievePage(notion, GROCERIES_PAGE)).resolves.toBeUndefined();
  });

  it('a page whose properties are not objects fails with a ResponseValidationError naming the GET', async () => {
    const page = fixtureBody('pages-retrieve', 'workspace-page');
    page.properties = { title: 'Groceries' };
    nock(NOTION_ORIGIN).get(`/v1/pages/${GROCERIES_PAGE}`).reply(200, page);
    const { notion } = createContractClient();

    const read = retrievePage(notion, GROCERIES_PAGE);

    await expect(read).rejects.toThrow(ResponseValidationError);
    await expect(read).rejects.toThrow(
      /^retrieve page: unexpected response shape[\s\S]*properties[\s\S]*\(request id c1d0e9f8-a7b6-4c5d-8e4f-3a2b1c0d9e82\)$/,
    );
  });
});
