import { createLogger, NotionApiError } from '@source-notion/core';
import { createFakeStreamContext, runStreamSweep } from '@source-notion/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { databasesStream, dataSourcesFingerprint } from './databases-stream.js';

// What the emulator cannot do yet (databases in the trash; partial search results), through an
// in-process fake of the Notion SDK: no HTTP at all.

const DB = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
const DS = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

function database(inTrash: boolean) {
  return {
    object: 'database',
    id: DB,
    title: [],
    parent: { type: 'workspace', workspace: true },
    created_time: '2024-01-01T00:00:00.000Z',
    last_edited_time: '2025-01-01T00:00:00.000Z',
    in_trash: inTrash,
    data_sources: [{ id: DS, name: 'Tasks' }],
    request_id: 'req-1',
  };
}

function fakeWorld() {
  const world = {
    search: [] as unknown[],
    database: undefined as unknown,
    dataSource: undefined as unknown,
    calls: [] as string[],
  };
  const notFound = (operation: string) =>
    new NotionApiError({ status: 404, code: 'object_not_found', operation });
  const sdk = {
    search: async () => {
      world.calls.push('search');
      return { object: 'list', results: world.search, has_more: false, next_cursor: null };
    },
    databases: {
      retrieve: async ({ database_id }: { database_id: string }) => {
        world.calls.push(`database ${database_id}`);
        if (world.database === undefined) throw notFound('retrieve database');
        return world.database;
      },
    },
    dataSources: {
      retrieve: async ({ data_source_id }: { data_source_id: string }) => {
        world.calls.push(`data source ${data_source_id}`);
        if (world.dataSource === undefined) throw notFound('retrieve data source');
        return world.dataSource;
      },
    },
  };
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => void logs.push(line) });
  const ctx = createFakeStreamContext({ sdk, logger });
  return { world, ctx, logs };
}

describe('databasesStream: trash, partial results', () => {
  it('fetches partial search results, emits a trashed database once, then its deletion on 404', async () => {
    const { world, ctx } = fakeWorld();
    const source = {
      object: 'data_source',
      id: DS,
      parent: { type: 'database_id', database_id: DB },
      last_edited_time: '2025-01-01T00:00:00.000Z',
      properties: {},
    };
    world.search = [{ object: 'data_source', id: DS, properties: {} }];
    world.dataSource = source;
    world.database = database(false);

    const first = await runStreamSweep(databasesStream, ctx, databasesStream.initialState({} as never));
    expect(world.calls).toEqual(['search', `data source ${DS}`, `database ${DB}`]);
    const { request_id: _, ...withoutRequestId } = database(false);
    expect(first.committedDocs).toEqual([withoutRequestId]);
    expect(first.state.databases).toEqual({
      [DB]: dataSourcesFingerprint([{ id: DS, lastEdited: Date.parse(source.last_edited_time) }]),
    });
    expect(z.fromJSONSchema(databasesStream.documentSchema).safeParse(first.committedDocs[0]).success).toBe(
      true,
    );

    // The database goes to the trash: its data source leaves search; GET says in_trash.
    world.search = [];
    world.database = database(true);
    world.calls = [];
    const second = await runStreamSweep(databasesStream, ctx, first.state);
    expect(world.calls).toEqual(['search', `database ${DB}`]);
    expect(second.committedDocs).toHaveLength(1);
    expect(second.committedDocs[0]).toMatchObject({ id: DB, in_trash: true });
    expect(second.state.databases).toEqual({ [DB]: '' });

    // Still in the trash: checked, not emitted again.
    world.calls = [];
    const third = await runStreamSweep(databasesStream, ctx, second.state);
    expect(third.committedDocs).toEqual([]);
    expect(world.calls).toEqual(['search', `database ${DB}`]);

    // Purged: a deletion, then forgotten.
    world.database = undefined;
    const fourth = await runStreamSweep(databasesStream, ctx, third.state);
    expect(fourth.committedDocs).toEqual([{ id: DB, _meta: { op: 'd' } }]);
    expect(fourth.state.databases).toEqual({});
    world.calls = [];
    await runStreamSweep(databasesStream, ctx, fourth.state);
    expect(world.calls).toEqual(['search']);
  });

  it('skips an unreadable database (403) with a warning, and captures it once it is readable', async () => {
    const { world, ctx, logs } = fakeWorld();
    world.search = [
      {
        object: 'data_source',
        id: DS,
        parent: { type: 'database_id', database_id: DB },
        last_edited_time: '2025-01-01T00:00:00.000Z',
      },
    ];
    world.database = database(false);
    const retrieve = ctx.notion.sdk.databases.retrieve.bind(ctx.notion.sdk.databases);
    (ctx.notion.sdk.databases as { retrieve: unknown }).retrieve = async () => {
      throw new NotionApiError({
        status: 403,
        code: 'restricted_resource',
        operation: 'retrieve database',
        requestId: 'req-403',
      });
    };
    const first = await runStreamSweep(databasesStream, ctx, databasesStream.initialState({} as never));
    expect(first.completed).toBe(true);
    expect(first.committedDocs).toEqual([]);
    expect(first.state.databases).toEqual({});
    const warnings = logs
      .map((line) => JSON.parse(line) as { level: string; fields?: { id?: string; requestId?: string } })
      .filter((entry) => entry.level === 'warn');
    expect(warnings.some((entry) => entry.fields?.id === DB && entry.fields.requestId === 'req-403')).toBe(
      true,
    );

    (ctx.notion.sdk.databases as { retrieve: unknown }).retrieve = retrieve;
    const second = await runStreamSweep(databasesStream, ctx, first.state);
    expect(second.committedDocs.map((doc) => doc.id)).toEqual([DB]);
  });

  it('skips, with a warning, a database of a visible data source that answers 404', async () => {
    const { world, ctx, logs } = fakeWorld();
    world.search = [
      {
        object: 'data_source',
        id: DS,
        parent: { type: 'database_id', database_id: DB },
        last_edited_time: '2025-01-01T00:00:00.000Z',
      },
    ];
    const outcome = await runStreamSweep(databasesStream, ctx, databasesStream.initialState({} as never));
    expect(outcome.committedDocs).toEqual([]);
    expect(outcome.state.databases).toEqual({});
    const warnings = logs.map((line) => JSON.parse(line) as { level: string; fields?: { id?: string } });
    expect(warnings.filter((entry) => entry.level === 'warn').map((entry) => entry.fields?.id)).toEqual([DB]);
  });
});

describe('dataSourcesFingerprint', () => {
  it('depends on the set of (id, last_edited_time), not on order', () => {
    const a = { id: 'a', lastEdited: 1 };
    const b = { id: 'b', lastEdited: 2 };
    expect(dataSourcesFingerprint([a, b])).toBe(dataSourcesFingerprint([b, a]));
    expect(dataSourcesFingerprint([a, b])).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(dataSourcesFingerprint([a, { ...b, lastEdited: 3 }])).not.toBe(dataSourcesFingerprint([a, b]));
    expect(dataSourcesFingerprint([a])).not.toBe(dataSourcesFingerprint([a, b]));
    expect(dataSourcesFingerprint([])).toBe('');
  });
});
