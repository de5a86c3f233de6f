import { createSilentLogger, ResponseValidationError, walkPageBlocks } from '@source-notion/core';
import { runStreamSweep } from '@source-notion/core/testing';
import { blockDocument, blocksStream } from '@source-notion/stream-blocks';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertAllRequestsMade,
  createContractClient,
  createContractContext,
  isolateNetwork,
  NOTION_ORIGIN,
} from './contract-context.js';
import { fixtureBody } from './fixtures.js';
import { emptySearch, groceriesPage, replyPageListings } from './page-requests.js';

beforeEach(isolateNetwork);
afterEach(assertAllRequestsMade);

const PAGE = 'af5f89b5-a8ff-4c56-a5e8-69797d11b9f8';
const SYNCED_ORIGINAL = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const CHILD_PAGE = 'b55c9c91-384d-452b-81db-d1ef79372b75';

function replyChildren(pageChildren: Record<string, unknown>) {
  nock(NOTION_ORIGIN)
    .get(`/v1/blocks/${PAGE}/children`)
    .query({ page_size: '100' })
    .reply(200, pageChildren)
    .get(`/v1/blocks/${SYNCED_ORIGINAL}/children`)
    .query({ page_size: '100' })
    .reply(200, fixtureBody('blocks-children', 'synced-block-children'));
}

/** id, type, page_id, depth and ordinal of a block document. */
const placement = (doc: Record<string, unknown>) => ({
  id: doc.id,
  type: doc.type,
  page_id: doc.page_id,
  depth: doc.depth,
  ordinal: doc.ordinal,
});

const EXPECTED_PLACEMENT = [
  { id: 'c02fc1d3-db8b-45c5-a222-27595b15aea7', type: 'heading_2', page_id: PAGE, depth: 1, ordinal: 0 },
  { id: 'acc7eb06-05cd-4603-a384-5e1e4f1f4e72', type: 'paragraph', page_id: PAGE, depth: 1, ordinal: 1 },
  // Another page and a database: not descended into.
  { id: 'b55c9c91-384d-452b-81db-d1ef79372b75', type: 'child_page', page_id: PAGE, depth: 1, ordinal: 2 },
  { id: '842a0286-cef0-46a8-abba-eac4c8ca644e', type: 'child_database', page_id: PAGE, depth: 1, ordinal: 3 },
  // The original synced block's children are read (depth 2) …
  { id: SYNCED_ORIGINAL, type: 'synced_block', page_id: PAGE, depth: 1, ordinal: 4 },
  // … a reference's are the original's (captured there), an unsupported block's are not served.
  { id: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a', type: 'synced_block', page_id: PAGE, depth: 1, ordinal: 5 },
  { id: '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b', type: 'unsupported', page_id: PAGE, depth: 1, ordinal: 6 },
  { id: '3f4a5b6c-7d8e-4f9a-8b1c-2d3e4f5a6b7c', type: 'to_do', page_id: PAGE, depth: 2, ordinal: 0 },
];

describe('GET /v1/blocks/{id}/children', () => {
  it('the blocks stream walks the reference tree and places every block (page_id, depth, ordinal)', async () => {
    replyPageListings({
      pages: { ...emptySearch(), results: [groceriesPage()] },
      dataSources: emptySearch(),
    });
    replyChildren(fixtureBody('blocks-children', 'page-children'));
    // The child page met in the tree is walked in the same sweep: it has no blocks.
    nock(NOTION_ORIGIN).get(`/v1/blocks/${CHILD_PAGE}/children`).query({ page_size: '100' }).reply(200, {
      object: 'list',
      results: [],
      next_cursor: null,
      has_more: false,
      type: 'block',
      block: {},
    });
    const ctx = createContractContext();

    const sweep = await runStreamSweep(blocksStream, ctx, blocksStream.initialState(ctx.config));

    expect(sweep.completed).toBe(true);
    expect(sweep.docs.map(placement)).toEqual(EXPECTED_PLACEMENT);
    // Everything else is the API's block as is.
    expect(sweep.docs[0]).toEqual({
      object: 'block',
      id: 'c02fc1d3-db8b-45c5-a222-27595b15aea7',
      parent: { type: 'page_id', page_id: PAGE },
      created_time: '2022-03-01T19:05:00.000Z',
      last_edited_time: '2025-09-29T21:06:00.000Z',
      created_by: { object: 'user', id: 'ee5f0f84-409a-440f-983a-a5315961c6e4' },
      last_edited_by: { object: 'user', id: 'ee5f0f84-409a-440f-983a-a5315961c6e4' },
      has_children: false,
      archived: false,
      in_trash: false,
      type: 'heading_2',
      heading_2: {
        rich_text: [
          {
            type: 'text',
            text: { content: 'Lacinato kale', link: null },
            annotations: {
              bold: false,
              italic: false,
              strikethrough: false,
              underline: false,
              code: false,
              color: 'default',
            },
            plain_text: 'Lacinato kale',
            href: null,
          },
        ],
        color: 'default',
        is_toggleable: false,
      },
      page_id: PAGE,
      depth: 1,
      ordinal: 0,
    });
    expect(sweep.docs[7]).toMatchObject({
      parent: { type: 'block_id', block_id: SYNCED_ORIGINAL },
      to_do: { checked: false },
    });
  });

  it("core's walk and blockDocument give the same documents outside a stream", async () => {
    replyChildren(fixtureBody('blocks-children', 'page-children'));
    const { notion } = createContractClient();
    const docs: Record<string, unknown>[] = [];

    const walked = await walkPageBlocks(notion, PAGE, {
      logger: createSilentLogger(),
      onBlocks: (blocks) => {
        for (const { block, depth, ordinal } of blocks) docs.push(blockDocument(block, PAGE, depth, ordinal));
      },
    });

    expect(docs.map(placement)).toEqual(EXPECTED_PLACEMENT);
    expect(walked.childPages).toEqual([
      { id: 'b55c9c91-384d-452b-81db-d1ef79372b75', lastEditedTime: '2025-09-29T21:06:00.000Z' },
    ]);
    expect(walked.requests).toBe(2);
  });

  it('a block without its type fails with a ResponseValidationError naming the listing', async () => {
    const children = fixtureBody<{ results: Record<string, unknown>[] }>('blocks-children', 'page-children');
    delete children.results[1]!.type;
    nock(NOTION_ORIGIN).get(`/v1/blocks/${PAGE}/children`).query({ page_size: '100' }).reply(200, children);
    const { notion } = createContractClient();

    const walk = walkPageBlocks(notion, PAGE, { logger: createSilentLogger() });

    await expect(walk).rejects.toThrow(ResponseValidationError);
    await expect(walk).rejects.toThrow(
      /unexpected response shape[\s\S]*type[\s\S]*\(request id d8e7f6a5-b4c3-4d2e-9f1a-0b9c8d7e6f59\)$/,
    );
  });
});
