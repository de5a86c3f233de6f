import { createLogger } from '@source-notion/core';
import { runStreamSweep } from '@source-notion/core/testing';
import { commentsStream } from '@source-notion/stream-comments';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertAllRequestsMade,
  createContractContext,
  isolateNetwork,
  NOTION_ORIGIN,
} from './contract-context.js';
import { fixtureBody } from './fixtures.js';
import { emptySearch, groceriesPage, replyPageListings } from './page-requests.js';

beforeEach(isolateNetwork);
afterEach(assertAllRequestsMade);

const PAGE = 'af5f89b5-a8ff-4c56-a5e8-69797d11b9f8';
const DISCUSSION = 'f4be6752-a539-4da2-a8a9-c3953e13bc0b';

function replySweep(comments: Record<string, unknown>) {
  replyPageListings({ pages: { ...emptySearch(), results: [groceriesPage()] }, dataSources: emptySearch() });
  nock(NOTION_ORIGIN).get('/v1/comments').query({ block_id: PAGE, page_size: '100' }).reply(200, comments);
}

const comment = (id: string, time: string, content: string) => ({
  object: 'comment',
  id,
  parent: { type: 'page_id', page_id: PAGE },
  discussion_id: DISCUSSION,
  created_time: time,
  last_edited_time: time,
  created_by: { object: 'user', id: 'ee5f0f84-409a-440f-983a-a5315961c6e4' },
  rich_text: [
    {
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
    },
  ],
  // What the comments stream adds: the page the comment is on.
  page_id: PAGE,
});

describe('GET /v1/comments', () => {
  it('the comments stream yields the reference comments, oldest first, each with its page_id', async () => {
    replySweep(fixtureBody('comments-list', 'page-comments'));
    const ctx = createContractContext();

    const sweep = await runStreamSweep(commentsStream, ctx, commentsStream.initialState(ctx.config));

    expect(sweep.completed).toBe(true);
    expect(sweep.docs).toEqual([
      comment('7a793800-3e55-4d5e-8009-2261de026179', '2022-07-15T21:17:00.000Z', 'Hello world'),
      comment(
        'b52b8ed6-e029-4707-a671-832549c09de3',
        '2022-07-15T21:46:00.000Z',
        'Hello from my integration.',
      ),
    ]);
  });

  it('a comment that is not a comment object is a ResponseValidationError naming the listing: the page is skipped and retried', async () => {
    const comments = fixtureBody<{ results: Record<string, unknown>[] }>('comments-list', 'page-comments');
    comments.results[0]!.object = 'block';
    replySweep(comments);
    const lines: string[] = [];
    const ctx = createContractContext({
      logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }),
    });

    const sweep = await runStreamSweep(commentsStream, ctx, commentsStream.initialState(ctx.config));

    // One page's bad answer does not fail the sweep: nothing is emitted for it, and it says why.
    expect(sweep.completed).toBe(true);
    expect(sweep.docs).toEqual([]);
    const warnings = lines.map(
      (line) => JSON.parse(line) as { msg: string; fields: Record<string, unknown> },
    );
    expect(warnings).toContainEqual({
      level: 'warn',
      msg: 'could not process a page; capturing the others and retrying it next sweep',
      fields: {
        pageId: PAGE,
        operation: 'list comments',
        requestId: 'f0a9b8c7-d6e5-4f4a-9b3c-2d1e0f9a8b71',
        error: expect.stringMatching(/^list comments: unexpected response shape[\s\S]*object/),
      },
    });
  });
});
