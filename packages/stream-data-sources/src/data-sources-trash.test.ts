import { createLogger, NotionApiError } from '@source-notion/core';
import { createFakeStreamContext, runStreamSweep } from '@source-notion/core/testing';
import { describe, expect, it } from 'vitest';
import { createDataSourcesStream, dataSourcesStream } from './data-sources-stream.js';

// What the emulator cannot do yet (data sources in the trash; partial search results), through an
// in-process fake of the Notion SDK: no HTTP at all.

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const D = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';

function dataSource(id: string, edited: string, inTrash = false) {
  return {
    object: 'data_source',
    id,
    title: [],
    parent: { type: 'database_id', database_id: D },
    created_time: '2024-01-01T00:00:00.000Z',
    last_edited_time: edited,
    in_trash: inTrash,
    properties: { Name: { id: 'title', name: 'Name', type: 'title', title: {} } },
  };
}

function fakeWorld() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'warn', write: (line) => lines.push(line) });
  const world = {
    search: [] as unknown[],
    sources: new Map<string, unknown>(),
    calls: [] as string[],
  };
  const sdk = {
    search: async () => {
      world.calls.push('search');
      return { object: 'list', results: world.search, has_more: false, next_cursor: null };
    },
    databases: {
      // A database lists its data sources that are not in the trash.
      retrieve: async ({ database_id }: { database_id: string }) => {
        world.calls.push(`database ${database_id}`);
        const sources = [...world.sources.values()] as { id: string; in_trash: boolean }[];
        const live = sources.filter((source) => !source.in_trash);
        return {
          object: 'database',
          id: database_id,
          data_sources: live.map(({ id }) => ({ id, name: 'x' })),
        };
      },
    },
    dataSources: {
      retrieve: async ({ data_source_id }: { data_source_id: string }) => {
        world.calls.push(`get ${data_source_id}`);
        const found = world.sources.get(data_source_id);
        if (found === undefined) {
          throw new NotionApiError({
            status: 404,
            code: 'object_not_found',
            operation: 'retrieve data source',
          });
        }
        return { ...(found as object), request_id: 'req-1' };
      },
    },
  };
  const warnings = () => lines.map((line) => JSON.parse(line) as { fields?: Record<string, unknown> });
  return { world, warnings, ctx: createFakeStreamContext({ sdk, logger }) };
}

describe('dataSourcesStream: trash, partial results', () => {
  it('fetches partial search results, emits a trashed data source once, then its deletion on 404', async () => {
    const { world, ctx } = fakeWorld();
    const a = dataSource(A, '2025-01-01T10:00:00.000Z');
    const b = dataSource(B, '2025-01-02T10:00:00.000Z');
    world.search = [
      a,
      { object: 'data_source', id: B, properties: b.properties },
      { object: 'page', id: 'p' },
    ];
    world.sources.set(A, a).set(B, b);

    const first = await runStreamSweep(dataSourcesStream, ctx, dataSourcesStream.initialState({} as never));
    expect(first.committedDocs.map((doc) => doc.id)).toEqual([A, B]);
    expect(first.committedDocs[1]!.last_edited_time).toBe(b.last_edited_time);
    expect(first.committedDocs[1]).not.toHaveProperty('request_id');
    // The listing reads the database of the data sources it lists (siblings search omits).
    expect(world.calls).toEqual(['search', `database ${D}`, `get ${B}`]);

    // B goes to the trash: search stops listing it; GET says in_trash.
    world.calls = [];
    world.search = [a];
    world.sources.set(B, dataSource(B, '2025-02-01T10:00:00.000Z', true));
    const second = await runStreamSweep(dataSourcesStream, ctx, first.state);
    expect(second.committedDocs).toHaveLength(1);
    expect(second.committedDocs[0]).toMatchObject({ id: B, in_trash: true });
    expect(second.state.sources[B]).toBe(-Date.parse('2025-02-01T10:00:00.000Z') / 1000);
    expect(world.calls).toEqual(['search', `database ${D}`, `get ${B}`]);

    // Still in the trash: checked, not emitted again.
    world.calls = [];
    const third = await runStreamSweep(dataSourcesStream, ctx, second.state);
    expect(third.committedDocs).toEqual([]);
    expect(world.calls).toEqual(['search', `database ${D}`, `get ${B}`]);

    // Purged: a deletion, and it is forgotten.
    world.sources.delete(B);
    const fourth = await runStreamSweep(dataSourcesStream, ctx, third.state);
    expect(fourth.committedDocs).toEqual([{ id: B, _meta: { op: 'd' } }]);
    expect(Object.keys(fourth.state.sources)).toEqual([A]);
    world.calls = [];
    const fifth = await runStreamSweep(dataSourcesStream, ctx, fourth.state);
    expect(fifth.committedDocs).toEqual([]);
    expect(world.calls).toEqual(['search', `database ${D}`]);
  });

  it('propagates errors other than 404 from the confirming GET', async () => {
    const { world, ctx } = fakeWorld();
    world.search = [];
    (ctx.notion.sdk.dataSources as { retrieve: unknown }).retrieve = async () => {
      throw new NotionApiError({ status: 401, code: 'unauthorized', operation: 'retrieve data source' });
    };
    const state = { v: 1 as const, sources: { [A]: 1 } };
    await expect(runStreamSweep(dataSourcesStream, ctx, state)).rejects.toMatchObject({ status: 401 });
  });

  it('captures a data source search omits through its database, and skips an unreadable one with a warning', async () => {
    const { world, ctx, warnings } = fakeWorld();
    const a = dataSource(A, '2025-01-01T10:00:00.000Z');
    const b = dataSource(B, '2025-01-02T10:00:00.000Z');
    world.search = [a];
    world.sources.set(A, a).set(B, b);
    const first = await runStreamSweep(dataSourcesStream, ctx, dataSourcesStream.initialState({} as never));
    expect(first.committedDocs.map((doc) => doc.id)).toEqual([A, B]);

    // B becomes unreadable (403): skipped with a warning, its state kept, the sweep completes.
    const retrieve = ctx.notion.sdk.dataSources.retrieve.bind(ctx.notion.sdk.dataSources);
    (ctx.notion.sdk.dataSources as { retrieve: unknown }).retrieve = async (args: {
      data_source_id: string;
    }) => {
      if (args.data_source_id === B) {
        throw new NotionApiError({
          status: 403,
          code: 'restricted_resource',
          operation: 'retrieve data source',
        });
      }
      return retrieve(args);
    };
    world.sources.set(B, dataSource(B, '2025-03-01T10:00:00.000Z'));
    const second = await runStreamSweep(dataSourcesStream, ctx, first.state);
    expect(second.committedDocs).toEqual([]);
    expect(second.state.sources[B]).toBe(first.state.sources[B]);
    expect(warnings().some((line) => line.fields?.id === B)).toBe(true);

    // Readable again: captured.
    (ctx.notion.sdk.dataSources as { retrieve: unknown }).retrieve = retrieve;
    const third = await runStreamSweep(dataSourcesStream, ctx, second.state);
    expect(third.committedDocs.map((doc) => doc.id)).toEqual([B]);
  });

  it('fetches partial results as many at once as it was created to', async () => {
    const { world, ctx } = fakeWorld();
    const sources = Array.from({ length: 6 }, (_, i) =>
      dataSource(`${i}aaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa`, '2025-01-01T10:00:00.000Z'),
    );
    world.search = sources.map((source) => ({ object: 'data_source', id: source.id }));
    for (const source of sources) world.sources.set(source.id, source);
    let inFlight = 0;
    let maxInFlight = 0;
    const retrieve = ctx.notion.sdk.dataSources.retrieve.bind(ctx.notion.sdk.dataSources);
    (ctx.notion.sdk.dataSources as { retrieve: unknown }).retrieve = async (args: {
      data_source_id: string;
    }) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return retrieve(args);
    };
    const stream = createDataSourcesStream({ concurrency: 2 });
    const outcome = await runStreamSweep(stream, ctx, stream.initialState({} as never));
    expect(outcome.committedDocs).toHaveLength(6);
    expect(maxInFlight).toBe(2);
  });
});
