import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { IncompleteListError, NotionApiError, ResponseValidationError } from './errors.js';
import { iterateSearchObjects, retrieveNotionObject } from './notion-objects.js';
import { createFakeStreamContext } from './testing/fake-stream-context.js';

const thing = z.looseObject({ object: z.literal('data_source'), id: z.string(), title: z.string() });

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('retrieveNotionObject', () => {
  const retrieveWith = (answer: () => Promise<unknown>) => {
    const ctx = createFakeStreamContext({ sdk: { dataSources: { retrieve: answer } } });
    return retrieveNotionObject(
      ctx.notion,
      'retrieve data source',
      (sdk) => sdk.dataSources.retrieve({ data_source_id: 'x' }),
      thing,
    );
  };

  it('parses the object, keeping unknown fields', async () => {
    await expect(
      retrieveWith(async () => ({ object: 'data_source', id: 'x', title: 'T', extra: 1 })),
    ).resolves.toEqual({ object: 'data_source', id: 'x', title: 'T', extra: 1 });
  });

  it('answers undefined for 404 object_not_found and throws every other error', async () => {
    await expect(
      retrieveWith(async () => {
        throw new NotionApiError({
          status: 404,
          code: 'object_not_found',
          operation: 'retrieve data source',
        });
      }),
    ).resolves.toBeUndefined();
    await expect(
      retrieveWith(async () => {
        throw new NotionApiError({ status: 401, code: 'unauthorized', operation: 'retrieve data source' });
      }),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('names the operation and request id of an unexpected shape', async () => {
    const error = await retrieveWith(async () => ({
      object: 'data_source',
      id: 'x',
      request_id: 'req-7',
    })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({ operation: 'retrieve data source', requestId: 'req-7' });
  });
});

describe('iterateSearchObjects', () => {
  it('yields each object of the kind once, across a restarted listing', async () => {
    const calls: unknown[] = [];
    const pages: Record<string, unknown> = {
      first: {
        results: [
          { object: 'data_source', id: 'a' },
          { object: 'page', id: 'p' },
        ],
        next_cursor: 'c1',
      },
      c1: { results: [{ object: 'data_source', id: 'b', title: 'kept' }], next_cursor: 'c2' },
      c2: 'expired',
    };
    let expired = false;
    const ctx = createFakeStreamContext({
      sdk: {
        search: async (args: { start_cursor?: string; filter: unknown }) => {
          calls.push(args);
          const page = pages[args.start_cursor ?? 'first'];
          if (page === 'expired' && !expired) {
            expired = true;
            throw new NotionApiError({
              status: 400,
              code: 'validation_error',
              operation: 'search data sources',
              detail: 'The start_cursor provided is invalid',
            });
          }
          if (page === 'expired') return { object: 'list', results: [], has_more: false, next_cursor: null };
          const { results, next_cursor } = page as { results: unknown[]; next_cursor: string };
          return { object: 'list', results, has_more: true, next_cursor };
        },
      },
    });
    const found = await collect(iterateSearchObjects(ctx.notion, 'data_source'));
    expect(found).toEqual([
      { object: 'data_source', id: 'a' },
      { object: 'data_source', id: 'b', title: 'kept' },
    ]);
    expect(calls[0]).toMatchObject({ filter: { property: 'object', value: 'data_source' } });
    // first, c1, c2 (invalid), then restarted: first, c1, c2.
    expect(calls).toHaveLength(6);
  });

  it('rejects a result without an id and stops at an incomplete page', async () => {
    const answer = (results: unknown[], extra: Record<string, unknown> = {}) =>
      createFakeStreamContext({
        sdk: {
          search: async () => ({ object: 'list', results, has_more: false, next_cursor: null, ...extra }),
        },
      });
    await expect(collect(iterateSearchObjects(answer([{ object: 'page' }]).notion, 'page'))).rejects.toThrow(
      ResponseValidationError,
    );
    const incomplete = answer([{ object: 'page', id: 'p' }], { request_status: { type: 'incomplete' } });
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const page of iterateSearchObjects(incomplete.notion, 'page')) seen.push(page);
      })(),
    ).rejects.toThrow(IncompleteListError);
    expect(seen).toEqual([{ object: 'page', id: 'p' }]);
  });
});

describe('createFakeStreamContext', () => {
  it('runs calls against the fake sdk at a fixed time, with a real config', async () => {
    const ctx = createFakeStreamContext({ sdk: { users: { me: async () => ({ id: 'me' }) } }, now: 5 });
    await expect(ctx.notion.call('me', (sdk) => sdk.users.me({}))).resolves.toEqual({ id: 'me' });
    expect(ctx.clock.now()).toBe(5);
    expect(ctx.config.advanced.notion_version).toBe('2025-09-03');
    expect(ctx.notion.limiter.stats().inFlight).toBe(0);
    ctx.progress?.({ unit: 'things', done: 1, backfill: true });
    expect(ctx.progressReports).toEqual([{ unit: 'things', done: 1, backfill: true }]);
  });
});
