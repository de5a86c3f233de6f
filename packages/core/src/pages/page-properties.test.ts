import { afterEach, describe, expect, it } from 'vitest';
import { isNotionApiError } from '../errors.js';
import { createLogger } from '../logger.js';
import { withPropertyList } from '../stream-documents.js';
import {
  createStreamTestContext,
  createTestResources,
  notionError,
  sendJson,
  startTestServer,
} from '../testing/index.js';
import { type NotionPage, notionPageSchema } from './page-objects.js';
import { completePage, truncatedProperties } from './page-properties.js';

const PAGE_ID = '6a1f0c2e-8d4b-4e3a-9c5d-7b2e1f0a3c4d';
const opened = createTestResources();
afterEach(() => opened.closeAll());

/** The related page ids: 130 references, of which a page object shows the first 25. */
const targets = Array.from({ length: 130 }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
}));
const title = (text: string) => ({
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
});
const taskTitles = targets.map((_, i) => title(`Task ${i}`));

/** A row whose relation `Tasks` is truncated, as a data source query lists it (values from 25 references). */
function truncatedRow(): NotionPage {
  return notionPageSchema.parse({
    object: 'page',
    id: PAGE_ID,
    created_time: '2026-11-01T10:00:00.000Z',
    last_edited_time: '2026-11-30T09:15:00.000Z',
    in_trash: false,
    parent: { type: 'data_source_id', data_source_id: '11111111-1111-4111-8111-111111111111' },
    properties: {
      Name: { id: 'title', type: 'title', title: [title('Project X')] },
      Tasks: { id: 'Tk%3Cs', type: 'relation', relation: targets.slice(0, 25), has_more: true },
      'Task count': {
        id: 'cnt',
        type: 'rollup',
        rollup: { type: 'number', number: 25, function: 'count' },
      },
      'Last due': {
        id: 'due',
        type: 'rollup',
        rollup: {
          type: 'date',
          date: { start: '2026-11-02', end: null, time_zone: null },
          function: 'latest_date',
        },
      },
      'Task names': {
        id: 'nms',
        type: 'rollup',
        rollup: {
          type: 'array',
          array: taskTitles.slice(0, 25).map((t) => ({ type: 'title', title: [t] })),
          function: 'show_original',
        },
      },
      'Median effort': {
        id: 'med',
        type: 'rollup',
        rollup: { type: 'number', number: 3, function: 'median' },
      },
      Summary: { id: 'sum', type: 'formula', formula: { type: 'string', string: '25 tasks' } },
      Done: { id: 'dn', type: 'checkbox', checkbox: false },
      Owner: { id: 'own', type: 'people', people: [{ object: 'user', id: 'u-1' }] },
    },
    url: 'https://www.notion.so/Project-X-6a1f0c2e8d4b4e3a9c5d7b2e1f0a3c4d',
  });
}

const relationItem = (target: { id: string }) => ({
  object: 'property_item',
  id: 'Tk%3Cs',
  type: 'relation',
  relation: target,
});

/** One page of a property item list, as Notion answers it (100 items at most). */
function itemList(
  items: unknown[],
  cursor: string | null,
  propertyItem: Record<string, unknown>,
  nextUrl: string | null,
) {
  return {
    object: 'list',
    results: items,
    next_cursor: cursor,
    has_more: cursor !== null,
    type: 'property_item',
    property_item: { ...propertyItem, next_url: nextUrl },
    request_id: `req-${propertyItem.id}-${cursor ?? 'last'}`,
  };
}

/** Notion's answers to `GET /v1/pages/{id}/properties/{property_id}` for the row above. */
function answer(propertyId: string, cursor: string | null): unknown {
  const base = `https://api.notion.com/v1/pages/${PAGE_ID}/properties/${propertyId}`;
  switch (`${propertyId} ${cursor ?? ''}`) {
    case 'Tk%3Cs ':
      return itemList(
        targets.slice(0, 100).map(relationItem),
        'tasks-2',
        { id: 'Tk%3Cs', type: 'relation', relation: {} },
        `${base}?start_cursor=tasks-2`,
      );
    case 'Tk%3Cs tasks-2':
      return itemList(
        targets.slice(100).map(relationItem),
        null,
        { id: 'Tk%3Cs', type: 'relation', relation: {} },
        null,
      );
    // An aggregate over many references pages through them; the last page holds the final value.
    case 'cnt ':
      return itemList(
        targets.slice(0, 100).map(relationItem),
        'cnt-2',
        { id: 'cnt', type: 'rollup', rollup: { type: 'number', number: 100, function: 'count' } },
        `${base}?start_cursor=cnt-2`,
      );
    case 'cnt cnt-2':
      return itemList(
        targets.slice(100).map(relationItem),
        null,
        { id: 'cnt', type: 'rollup', rollup: { type: 'number', number: 130, function: 'count' } },
        null,
      );
    case 'due ':
      return itemList(
        targets.slice(0, 100).map(relationItem),
        'due-2',
        {
          id: 'due',
          type: 'rollup',
          rollup: {
            type: 'date',
            date: { start: '2026-11-02', end: null, time_zone: null },
            function: 'latest_date',
          },
        },
        `${base}?start_cursor=due-2`,
      );
    case 'due due-2':
      return itemList(
        targets.slice(100).map(relationItem),
        null,
        {
          id: 'due',
          type: 'rollup',
          rollup: {
            type: 'date',
            date: { start: '2027-01-15', end: null, time_zone: null },
            function: 'latest_date',
          },
        },
        null,
      );
    // Show original: the rolled-up values flattened; the final aggregate's array is empty.
    case 'nms ':
      return itemList(
        taskTitles
          .slice(0, 100)
          .map((t) => ({ object: 'property_item', id: 'title', type: 'title', title: t })),
        'nms-2',
        { id: 'nms', type: 'rollup', rollup: { type: 'array', array: [], function: 'show_original' } },
        `${base}?start_cursor=nms-2`,
      );
    case 'nms nms-2':
      return itemList(
        taskTitles.slice(100).map((t) => ({ object: 'property_item', id: 'title', type: 'title', title: t })),
        null,
        { id: 'nms', type: 'rollup', rollup: { type: 'array', array: [], function: 'show_original' } },
        null,
      );
    // Median is not computed by the endpoint.
    case 'med ':
      return itemList(
        [],
        null,
        { id: 'med', type: 'rollup', rollup: { type: 'unsupported', unsupported: {}, function: 'median' } },
        null,
      );
    case 'sum ':
      return {
        object: 'property_item',
        id: 'sum',
        type: 'formula',
        formula: { type: 'string', string: '130 tasks' },
        request_id: 'req-sum',
      };
    default:
      return undefined;
  }
}

/** An answer with its status, for answers other than 200. */
type Scripted = { status: number; body: unknown };

async function setup(script: (propertyId: string, cursor: string | null) => unknown = answer) {
  const server = opened.add(
    await startTestServer((request, response) => {
      const url = new URL(request.path, 'http://127.0.0.1');
      const match = /^\/v1\/pages\/([^/]+)\/properties\/([^/]+)$/.exec(url.pathname);
      const body =
        match?.[1] === PAGE_ID ? script(match[2]!, url.searchParams.get('start_cursor')) : undefined;
      if (body === undefined)
        sendJson(response, 404, notionError(404, 'object_not_found', 'Could not find page.'));
      else if ((body as Scripted).status !== undefined)
        sendJson(response, (body as Scripted).status, (body as Scripted).body);
      else sendJson(response, 200, body);
    }),
  );
  const lines: string[] = [];
  const ctx = opened.add(
    createStreamTestContext({
      baseUrl: server.url,
      token: 'page-properties-test-token',
      logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }),
    }),
  );
  const requests = () =>
    server.requests.map((r) => {
      const url = new URL(r.path, 'http://127.0.0.1');
      return `${r.method} ${url.pathname.replace(`/v1/pages/${PAGE_ID}/properties/`, '')} ${url.searchParams.get('start_cursor') ?? '-'} ${url.searchParams.get('page_size')}`;
    });
  return { ctx, requests, lines };
}

describe('truncatedProperties', () => {
  it('names a truncated relation and, because of it, every rollup and formula', () => {
    expect(truncatedProperties(truncatedRow())).toEqual([
      'Tasks',
      'Task count',
      'Last due',
      'Task names',
      'Median effort',
      'Summary',
    ]);
  });

  it('leaves rollups and formulas alone while no relation is truncated', () => {
    const row = truncatedRow();
    const properties = {
      ...row.properties,
      Tasks: { id: 'Tk%3Cs', type: 'relation', relation: targets.slice(0, 3), has_more: false },
    };
    expect(truncatedProperties({ ...row, properties })).toEqual([]);
    const people = Array.from({ length: 25 }, (_, i) => ({ object: 'user', id: `u-${i}` }));
    const withPeople = { ...properties, Owner: { id: 'own', type: 'people', people } };
    expect(truncatedProperties({ ...row, properties: withPeople })).toEqual(['Owner']);
  });
});

describe('completePage', () => {
  it('completes the relation, every rollup and the formula through the property item endpoint', async () => {
    const { ctx, requests, lines } = await setup();
    const row = truncatedRow();
    const complete = await completePage(ctx.notion, row);

    // Exactly these requests: every page of each list, one for the formula, none for other properties.
    expect(requests()).toEqual([
      'GET Tk%3Cs - 100',
      'GET Tk%3Cs tasks-2 100',
      'GET cnt - 100',
      'GET cnt cnt-2 100',
      'GET due - 100',
      'GET due due-2 100',
      'GET nms - 100',
      'GET nms nms-2 100',
      'GET med - 100',
      'GET sum - 100',
    ]);

    const p = row.properties!;
    expect(withPropertyList(complete)).toEqual({
      ...row,
      properties: [
        { name: 'Name', value: p.Name },
        { name: 'Tasks', value: { id: 'Tk%3Cs', type: 'relation', relation: targets, has_more: false } },
        {
          name: 'Task count',
          value: { id: 'cnt', type: 'rollup', rollup: { type: 'number', number: 130, function: 'count' } },
        },
        {
          name: 'Last due',
          value: {
            id: 'due',
            type: 'rollup',
            rollup: {
              type: 'date',
              date: { start: '2027-01-15', end: null, time_zone: null },
              function: 'latest_date',
            },
          },
        },
        {
          name: 'Task names',
          value: {
            id: 'nms',
            type: 'rollup',
            rollup: {
              type: 'array',
              array: taskTitles.map((t) => ({ type: 'title', title: [t] })),
              function: 'show_original',
            },
          },
        },
        // Notion computes no median here: the page's value stays, and a warning says so.
        { name: 'Median effort', value: p['Median effort'] },
        {
          name: 'Summary',
          value: { id: 'sum', type: 'formula', formula: { type: 'string', string: '130 tasks' } },
        },
        { name: 'Done', value: p.Done },
        { name: 'Owner', value: p.Owner },
      ],
    });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({
          pageId: PAGE_ID,
          propertyId: 'med',
          rollupType: 'unsupported',
          function: 'median',
        }),
      }),
    ]);
    // The listed page is left as it was.
    expect(truncatedRow()).toEqual(row);
  });

  it('makes no request for a page whose relations are complete, rollups and formulas included', async () => {
    const { ctx, requests } = await setup();
    const row = truncatedRow();
    const properties = {
      ...row.properties,
      Tasks: { id: 'Tk%3Cs', type: 'relation', relation: targets.slice(0, 3), has_more: false },
    };
    const page = { ...row, properties };
    expect(await completePage(ctx.notion, page)).toBe(page);
    expect(requests()).toEqual([]);
  });

  it('lets a 404 through, so the stream can emit the page as deleted', async () => {
    const { ctx, requests } = await setup();
    const gone = { ...truncatedRow(), id: '99999999-9999-4999-8999-999999999999' };
    const error = await completePage(ctx.notion, gone).catch((e: unknown) => e);
    expect(isNotionApiError(error, 'object_not_found')).toBe(true);
    expect(requests()).toHaveLength(1);
  });

  it('restarts a listing whose cursor Notion rejects and keeps the aggregate of the last page', async () => {
    let rejected = 0;
    const { ctx, requests } = await setup((propertyId, cursor) => {
      if (propertyId === 'cnt' && cursor === 'cnt-2' && rejected++ === 0) {
        const message = 'The start_cursor provided is invalid: cnt-2';
        return { status: 400, body: notionError(400, 'validation_error', message) };
      }
      return answer(propertyId, cursor);
    });
    const row = truncatedRow();
    const onlyCount = {
      ...row,
      properties: { Tasks: row.properties!.Tasks!, 'Task count': row.properties!['Task count']! },
    };
    const complete = await completePage(ctx.notion, onlyCount);
    expect(complete.properties!['Task count']).toEqual({
      id: 'cnt',
      type: 'rollup',
      rollup: { type: 'number', number: 130, function: 'count' },
    });
    expect(complete.properties!.Tasks!.relation).toEqual(targets);
    expect(requests()).toEqual([
      'GET Tk%3Cs - 100',
      'GET Tk%3Cs tasks-2 100',
      'GET cnt - 100',
      'GET cnt cnt-2 100',
      'GET cnt - 100',
      'GET cnt cnt-2 100',
    ]);
  });

  it('takes a rollup Notion answers as one property item, and rejects a formula answered as a list', async () => {
    const { ctx } = await setup((propertyId, cursor) => {
      if (propertyId === 'cnt') {
        return {
          object: 'property_item',
          id: 'cnt',
          type: 'rollup',
          rollup: { type: 'number', number: 130, function: 'count' },
        };
      }
      if (propertyId === 'sum') return itemList([], null, { id: 'sum', type: 'formula', formula: {} }, null);
      return answer(propertyId, cursor);
    });
    const row = truncatedRow();
    const p = row.properties!;
    const withCount = await completePage(ctx.notion, {
      ...row,
      properties: { Tasks: p.Tasks!, 'Task count': p['Task count']! },
    });
    expect(withCount.properties!['Task count']!.rollup).toEqual({
      type: 'number',
      number: 130,
      function: 'count',
    });
    const withFormula = completePage(ctx.notion, {
      ...row,
      properties: { Tasks: p.Tasks!, Summary: p.Summary! },
    });
    await expect(withFormula).rejects.toThrow(
      /retrieve page property: expected one formula property item, got a list/,
    );
  });
});
