import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NotionApiError, ResponseValidationError } from './errors.js';
import { retrieveNotionObject } from './notion-objects.js';
import { createFakeStreamContext } from './testing/fake-stream-context.js';

const thing = z.looseObject({ object: z.literal('data_source'), id: z.string(), title: z.string() });

async function _collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
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
