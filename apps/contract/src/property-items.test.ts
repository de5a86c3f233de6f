import { collectList, iteratePages, listNotion, ResponseValidationError } from '@source-notion/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  assertAllRequestsMade,
  createContractClient,
  isolateNetwork,
  NOTION_ORIGIN,
} from './contract-context.js';
import { fixtureBody } from './fixtures.js';

// GET /v1/pages/{id}/properties/{property_id}. The paginated relation and rich_text values, and
// the rollup and formula of a row whose relation is truncated, are replayed through the pages
// stream (pages.test.ts: completing truncated values); here, the rollup list and the single
// formula item on their own: the tests pin what Notion answers and what core's client and list
// check make of it.

beforeEach(isolateNetwork);
afterEach(assertAllRequestsMade);

const KALE_ROW = '59833787-2cf9-4fdf-8782-e53db20768a5';
const ROLLUP = 'Z%5C%3Ei';
const FORMULA = 'WOd%3B';
const RELATED = (n: number) => ({
  object: 'property_item',
  id: 'BYlG',
  type: 'relation',
  relation: { id: `a1b2c3d4-0001-4a00-8000-${String(n).padStart(12, '0')}` },
});

describe('GET /v1/pages/{id}/properties/{property_id}', () => {
  it("a rollup list passes core's list check; its value is in property_item.rollup, its results are the relation's items", async () => {
    nock(NOTION_ORIGIN)
      .get(`/v1/pages/${KALE_ROW}/properties/${ROLLUP}`)
      .query({ page_size: '100' })
      .reply(200, fixtureBody('pages-property-item', 'rollup'));
    const { notion } = createContractClient();
    let envelope: unknown;

    const pages = await collectList(
      iteratePages(notion, 'retrieve page property', async (sdk, args) => {
        const response = await sdk.pages.properties.retrieve({
          page_id: KALE_ROW,
          property_id: ROLLUP,
          ...args,
        });
        envelope = response;
        if (response.object !== 'list') throw new Error('a rollup answers a list');
        return response;
      }),
    );

    expect(pages).toEqual([RELATED(1), RELATED(2), RELATED(3)]);
    expect(envelope).toMatchObject({
      type: 'property_item',
      property_item: {
        id: ROLLUP,
        next_url: null,
        type: 'rollup',
        rollup: { type: 'number', number: 3, function: 'count' },
      },
    });
  });

  it('a formula is one property_item, not a list: the SDK returns it as is', async () => {
    nock(NOTION_ORIGIN)
      .get(`/v1/pages/${KALE_ROW}/properties/${FORMULA}`)
      .reply(200, fixtureBody('pages-property-item', 'formula'));
    const { notion } = createContractClient();

    const item = await notion.call('retrieve page property', (sdk) =>
      sdk.pages.properties.retrieve({ page_id: KALE_ROW, property_id: FORMULA }),
    );

    expect(item).toEqual({
      object: 'property_item',
      id: FORMULA,
      type: 'formula',
      formula: { type: 'number', number: 2.5 },
      request_id: 'c7d6e5f4-a3b2-4c1d-8e0f-9a8b7c6d5e48',
    });
  });

  it("read as a list (core's listNotion), the formula item is a ResponseValidationError naming the operation", async () => {
    nock(NOTION_ORIGIN)
      .get(`/v1/pages/${KALE_ROW}/properties/${FORMULA}`)
      .query({ page_size: '100' })
      .reply(200, fixtureBody('pages-property-item', 'formula'));
    const { notion } = createContractClient();

    const read = collectList(
      listNotion(
        notion,
        'retrieve page property',
        { path: `pages/${KALE_ROW}/properties/${FORMULA}`, method: 'get' },
        z.looseObject({ object: z.literal('property_item'), type: z.string() }),
      ),
    );

    await expect(read).rejects.toThrow(ResponseValidationError);
    await expect(read).rejects.toThrow(
      /^retrieve page property: unexpected response shape[\s\S]*results[\s\S]*\(request id c7d6e5f4-a3b2-4c1d-8e0f-9a8b7c6d5e48\)$/,
    );
  });
});
